#!/bin/sh
# Install Agent Assist for the current user: no root, everything under ~/.local.
#   ./install.sh          (from the unpacked archive; run it again to upgrade)
# Undo with ~/.local/opt/agent-assist/uninstall.sh. Your data folders are never touched.
set -eu

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
local_dir="$HOME/.local"
app_dir="$local_dir/opt/agent-assist"
bin_dir="$local_dir/bin"
apps_dir="${XDG_DATA_HOME:-$local_dir/share}/applications"
icons_dir="${XDG_DATA_HOME:-$local_dir/share}/icons/hicolor"
created=$(mktemp)
trap 'rm -f "$created"' EXIT

[ -x "$here/agent-assist/agent-assist" ] || {
    echo "install.sh: run it from the unpacked archive (agent-assist/ is missing here)" >&2
    exit 1
}

# mkdir -p that remembers each folder it had to make, so uninstall.sh removes only those.
ensure_dir() {
    [ -d "$1" ] && return 0
    ensure_dir "$(dirname -- "$1")"
    mkdir -- "$1"
    printf '%s\n' "$1" >>"$created"
}

# An upgrade keeps the folders the first install made.
previous="$app_dir/.created-dirs"
[ -f "$previous" ] && cat -- "$previous" >>"$created"

ensure_dir "$local_dir/opt"
rm -rf -- "$app_dir.new"
cp -R -- "$here/agent-assist" "$app_dir.new"
cp -- "$here/uninstall.sh" "$app_dir.new/uninstall.sh"
rm -rf -- "$app_dir"
mv -- "$app_dir.new" "$app_dir"

ensure_dir "$bin_dir"
ln -sfn -- "$app_dir/agent-assist" "$bin_dir/agent-assist"

# The menu entry runs the launcher by its full path: ~/.local/bin is not on every session's PATH.
# Exec quoting (Desktop Entry spec): inside "...", escape \ " ` $, then double every \; % is %%.
launcher="$bin_dir/agent-assist"
exec_arg=$(printf '%s' "$launcher" | sed -e 's/[\\"`$]/\\&/g' -e 's/\\/\\\\/g' -e 's/%/%%/g')
try_exec=$(printf '%s' "$launcher" | sed -e 's/\\/\\\\/g')
ensure_dir "$apps_dir"
while IFS= read -r line; do
    case $line in
    Exec=agent-assist*) printf 'Exec="%s"%s\n' "$exec_arg" "${line#Exec=agent-assist}" ;;
    TryExec=*) printf 'TryExec=%s\n' "$try_exec" ;;
    *) printf '%s\n' "$line" ;;
    esac
done <"$here/agent-assist.desktop" >"$apps_dir/agent-assist.desktop"

for icon in "$here"/icons/*/agent-assist.png; do
    size=$(basename -- "$(dirname -- "$icon")")
    ensure_dir "$icons_dir/$size/apps"
    cp -- "$icon" "$icons_dir/$size/apps/agent-assist.png"
done

sort -u -- "$created" >"$app_dir/.created-dirs"
echo "Agent Assist installed in $app_dir"
echo "  menu entry: $apps_dir/agent-assist.desktop"
case ":$PATH:" in
*":$bin_dir:"*) echo "  command:    agent-assist (try: agent-assist --self-test)" ;;
*) echo "  command:    $launcher ($bin_dir is not on your PATH yet; log out and in once)" ;;
esac
