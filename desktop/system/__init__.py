"""The operating system's side: global hotkeys (X11, macOS), the login entry, the display check.

No Qt: Windows' hotkey needs Qt's native event filter, so it lives in desktop/ui/. This file
imports nothing, since packaging/bootstrap.py imports `display_check` (standard library only)
before any dependency is installed. Named `system`, not `platform`: PyInstaller analyses
desktop/__main__.py with desktop/ on its search path, where a `platform` folder would shadow
the standard library's module.
"""
