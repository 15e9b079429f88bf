"""Entry point for `python -m desktop` and for the PyInstaller build."""

import sys

if len(sys.argv) > 1 and sys.argv[1] == "--cpu-probe":
    # A child that test-runs one llama.cpp CPU variant (desktop/engine/cpu_variants.py):
    # nothing else is imported, and a crash here kills only this child.
    from desktop.engine.llama import run_cpu_probe

    sys.exit(run_cpu_probe(sys.argv[2:]))

from desktop.app import main

sys.exit(main())
