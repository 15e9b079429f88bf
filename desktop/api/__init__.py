"""The local HTTP API for helpdesk sidebars and browser extensions (issue 12). No Qt.

`start_api` runs it on 127.0.0.1 in background threads, so the window can start and stop it
without blocking the GUI; `agent-assist api` runs the same server headless.
"""

from desktop.api.server import ApiHandle, PortInUseError, start_api

__all__ = ["ApiHandle", "PortInUseError", "start_api"]
