# The two commands of the README:  make lab  and  make test.
# Both create .venv (if missing), install the project into it and build the course.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: setup course lab hub test test-fast benchmarks clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

setup: $(STAMP)

course: setup
	$(BIN)/trainingkit build

lab: course
	$(BIN)/trainingkit lab

# A class on JupyterHub (as root): make hub ROSTER=roster.csv PORT=8000
ROSTER ?= roster.csv
PORT   ?= 8000
hub: setup
	$(BIN)/trainingkit hub --roster $(ROSTER) --port $(PORT)

test: course
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not pipeline and not browser and not hub"

benchmarks: course
	$(BIN)/python benchmarks/grading.py
	$(BIN)/python benchmarks/forms.py
	$(BIN)/python benchmarks/items.py
	$(BIN)/python benchmarks/renewal.py

clean:
	rm -rf $(VENV) .exchange .jupyter coursework/release coursework/submitted \
	       coursework/autograded coursework/feedback coursework/gradebook.db
