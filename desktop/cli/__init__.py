"""The headless commands (`agent-assist suggest|eval|canned|models|...`).

`registry` declares every command's arguments; each command's code is a module here
(suggest, eval, canned, team, models, stats, read, api, bench), imported when it runs.
"""

from desktop.cli.registry import add_commands, run

__all__ = ["add_commands", "run"]
