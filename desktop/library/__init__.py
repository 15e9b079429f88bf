"""The canned-response library's operations above the store: import, export, team libraries.

`service`: import a file (any helpdesk format) and export the library. `team`: follow a shared
library file read-only, re-imported when it changes. No Qt; the CLI and the library window
both call these.
"""
