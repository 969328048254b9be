# Two commands matter: `make demo` and `make test`. Each sets up what it needs itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench install fonts clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	PORT=$(PORT) $(BIN)/kongtun demo

test: $(STAMP) fonts
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python -m bench

# Debian's Thai fonts, for rendered images (the LINE rich menu); needs root.
# Without root (or a package mirror) this warns and goes on: the rich-menu tests then skip.
fonts:
	@ls /usr/share/fonts/truetype/tlwg/Garuda*.ttf >/dev/null 2>&1 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-thai-tlwg) || \
	  echo "warning: could not install fonts-thai-tlwg; rich-menu images need a Thai font (--font PATH)"

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
