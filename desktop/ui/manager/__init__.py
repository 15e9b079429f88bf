"""The canned-response manager window: browse, edit, import and export the library."""

from desktop.ui.manager.window import CannedManager

__all__ = ["CannedManager"]
