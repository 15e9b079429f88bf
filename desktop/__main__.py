"""Entry point for `python -m desktop` and for the PyInstaller build."""

import sys

from desktop.app import main

sys.exit(main())
