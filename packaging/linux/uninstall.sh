#!/bin/sh
# Remove what install.sh put under ~/.local (and a start-at-login entry that runs it).
# Your data stays: ~/.local/share/agent-assist and ~/.config/agent-assist; --purge removes it too.
set -eu

local_dir="$HOME/.local"
app_dir="$local_dir/opt/agent-assist"
bin_dir="$local_dir/bin"
apps_dir="${XDG_DATA_HOME:-$local_dir/share}/applications"
icons_dir="${XDG_DATA_HOME:-$local_dir/share}/icons/hicolor"
autostart="${XDG_CONFIG_HOME:-$HOME/.config}/autostart/agent-assist.desktop"

[ -d "$app_dir" ] || { echo "Agent Assist is not installed in $app_dir"; exit 0; }
created=$(mktemp)
trap 'rm -f "$created"' EXIT
[ -f "$app_dir/.created-dirs" ] && cp -- "$app_dir/.created-dirs" "$created"

# Only our own link, entry and icons: a file of that name from elsewhere stays.
[ "$(readlink -- "$bin_dir/agent-assist" 2>/dev/null || true)" = "$app_dir/agent-assist" ] &&
    rm -f -- "$bin_dir/agent-assist"
grep -qsxF -- "TryExec=$bin_dir/agent-assist" "$apps_dir/agent-assist.desktop" &&
    rm -f -- "$apps_dir/agent-assist.desktop"
grep -qsF -- "$app_dir/agent-assist" "$autostart" && rm -f -- "$autostart"
for icon in "$icons_dir"/*/apps/agent-assist.png; do
    [ -f "$icon" ] && rm -f -- "$icon"
done
rm -rf -- "$app_dir"

if [ "${1:-}" = "--purge" ]; then
    rm -rf -- "${XDG_DATA_HOME:-$local_dir/share}/agent-assist" \
        "${XDG_CONFIG_HOME:-$HOME/.config}/agent-assist" "${XDG_CACHE_HOME:-$HOME/.cache}/agent-assist"
fi

# Folders install.sh made, deepest first, where nothing else has been put in them since.
sort -r -- "$created" | while IFS= read -r folder; do
    rmdir -- "$folder" 2>/dev/null || true
done
echo "Agent Assist removed."
[ "${1:-}" = "--purge" ] || echo "Your data is kept in ~/.local/share/agent-assist and ~/.config/agent-assist."
