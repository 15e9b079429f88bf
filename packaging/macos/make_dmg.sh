#!/bin/sh
# Sign "Agent Assist.app" (made by `make package` on macOS) and put it in a .dmg.
#   packaging/macos/make_dmg.sh [DIST]          -> DIST/agent-assist-<version>-macos-<arch>.dmg
# Signs ad hoc by default (runs on the machine that built it, and on others after the user
# allows it once in System Settings > Privacy & Security). With a Developer ID certificate in
# the keychain, CODESIGN_IDENTITY="Developer ID Application: Team (ID)" signs it for real with
# the hardened runtime; notarise the .dmg afterwards as packaging/RELEASING.md says.
set -eu

dist=${1:-dist}
app="$dist/Agent Assist.app"
identity=${CODESIGN_IDENTITY:--}
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$here/../../desktop/__init__.py")
arch=$(uname -m | sed 's/arm64/aarch64/')
dmg="$dist/agent-assist-$version-macos-$arch.dmg"

[ -d "$app" ] || { echo "make_dmg.sh: $app is missing; run make package first" >&2; exit 1; }

if [ "$identity" = "-" ]; then
    # PyInstaller already signed every library ad hoc; seal the bundle around them.
    codesign --force --sign - "$app"
else
    # --deep re-signs the nested libraries with the team's identity; the hardened runtime
    # (required for notarisation) needs the entitlement for ctypes' executable memory.
    codesign --force --deep --timestamp --options runtime \
        --entitlements "$here/entitlements.plist" --sign "$identity" "$app"
fi
codesign --verify --deep --strict --verbose=2 "$app"

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"  # drag the app onto it to install
rm -f "$dmg"
hdiutil create -volname "Agent Assist $version" -srcfolder "$staging" -fs HFS+ -format UDZO "$dmg"
[ "$identity" = "-" ] || codesign --force --timestamp --sign "$identity" "$dmg"
echo "$dmg"
