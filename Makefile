# Thin wrapper: the logic lives in packaging/bootstrap.py (stdlib Python, works on Windows too).
PYTHON ?= python3

.PHONY: run test setup package screenshot
run:
	$(PYTHON) packaging/bootstrap.py run
test:
	$(PYTHON) packaging/bootstrap.py test
setup:
	$(PYTHON) packaging/bootstrap.py setup
package:
	$(PYTHON) packaging/bootstrap.py package
screenshot: setup
	QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/screenshot.py
