# The README's promise: `make run` and `make test` do all the set-up on a fresh Debian machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint format clean

install: $(STAMP)

$(STAMP): pyproject.toml deploy/install-system-packages.sh
	bash deploy/install-system-packages.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# Without a display (SSH, CI) the window opens on a virtual screen so the kiosk still starts.
run: install
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then $(BIN)/kiosk run; \
	else echo "no display: starting on a virtual screen (xvfb-run)"; xvfb-run -a -s "-screen 0 1280x1024x24" $(BIN)/kiosk run; fi

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .

format: install
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) build *.egg-info
