"""Opening a notebook draws its widget cells from their source read as data: nothing in it runs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from trainingkit.autorun import NotAWidgetCell, WidgetCall, draw, parse


def _widget_sources(*folders: Path) -> list[str]:
    sources = []
    for folder in folders:
        for path in sorted(folder.rglob("*.ipynb")):
            notebook = nbformat.read(path, as_version=4)
            if "trainingkit" in notebook.metadata:
                sources += [cell.source for cell in notebook.cells
                            if "trainingkit-widget" in cell.metadata.get("tags", [])]
    return sources


def test_every_widget_cell_the_build_writes_is_accepted(project) -> None:
    """Each widget cell of every generated lesson and assignment parses as one allowed call."""
    sources = _widget_sources(project.notebooks_dir, project.source_dir)
    assert len(sources) > 50
    for source in sources:
        assert isinstance(parse(source), WidgetCall)


def test_a_question_call_is_read_with_its_literal_arguments() -> None:
    call = parse('from trainingkit.questions import single_choice\n\n'
                 'single_choice(\n    "scope-001",\n    question="Q?",\n    options={"a": "A", "b": "B"},\n)')
    assert call == WidgetCall("trainingkit.questions", "single_choice", ("scope-001",),
                              {"question": "Q?", "options": {"a": "A", "b": "B"}})


@pytest.mark.parametrize("source", [
    "import os\nos.system('touch /tmp/tk-pwned')",
    "from trainingkit.questions import single_choice\nsingle_choice(__import__('os').system('id'))",
    "from trainingkit.questions import single_choice\nsingle_choice('x', question=open('/etc/passwd').read())",
    "from trainingkit.answers import save_answer\nsave_answer('answers.json', 'q', 'a')",
    "from trainingkit.questions import single_choice as sc\nsc('x')",
    "from trainingkit.questions import single_choice\nsingle_choice('x')\nprint('and more')",
    "exec('print(1)')",
    "from trainingkit.questions import single_choice\nsingle_choice(**{'question': 'q'})",
    "from . import questions\nquestions.single_choice('x')",
    "def single_choice(*a):\n    pass\nsingle_choice('x')",
    "(",
    "",
])
def test_anything_but_a_plain_widget_call_is_refused(source: str) -> None:
    with pytest.raises(NotAWidgetCell):
        parse(source)


def test_a_refused_cell_runs_nothing_and_says_why(tmp_path: Path) -> None:
    canary = tmp_path / "pwned"
    assert draw(f"import pathlib\npathlib.Path({str(canary)!r}).write_text('x')") is None
    assert not canary.exists()


def test_an_accepted_cell_draws_its_question(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    widget = draw('from trainingkit.questions import reflection\nreflection("scope-019", question="Why?")')
    assert "tk-question" in widget._dom_classes
