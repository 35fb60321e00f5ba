"""Lesson 00 drawn by a real kernel, as the labextension draws it: progress and a kept explanation."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from trainingkit.answers import save_answer
from trainingkit.lessons import load_lesson

from tests.conftest import PROJECT


def _drawn(folder: Path) -> dict[str, str]:
    """Every HTML widget's value after lesson 00's widget cells are drawn in a kernel running in ``folder``."""
    lesson = nbformat.read(folder / "00-welcome.ipynb", as_version=4)
    sources = [cell.source for cell in lesson.cells if "trainingkit-widget" in cell.metadata.get("tags", [])]
    drawing = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(f'__import__("trainingkit.autorun").autorun.draw({json.dumps(source)})')
        for source in sources])
    NotebookClient(drawing, timeout=120, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    states = drawing.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    return {key: state["state"]["value"] for key, state in states.items()
            if state["model_name"] == "HTMLModel" and isinstance(state["state"].get("value"), str)}


def test_lesson_00_counts_answered_checks_and_shows_the_explanation_of_a_kept_answer(tmp_path: Path) -> None:
    """With one check of lesson 00 answered earlier, the kernel draws 1 of its checks answered and that answer's note."""
    for notebook in sorted((PROJECT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        shutil.copy(notebook, tmp_path)
    lesson = load_lesson(PROJECT / "coursework" / "lessons" / "00-welcome.yaml")
    checks = [section.check for section in lesson.sections if section.check]
    check = checks[0]
    wrong = next(n for n, option in enumerate(check.options) if not option.correct)
    save_answer(tmp_path / "answers.json", check.id, "abcdefgh"[wrong] if not check.multiple else ["abcdefgh"[wrong]])
    values = list(_drawn(tmp_path).values())
    (progress,) = [value for value in values if "tk-progress" in value]
    assert f"1 of {len(checks)} checks answered" in progress and "every check in 0 of 12 lessons" in progress
    assert any("That is not the best answer" in value and check.options[wrong].feedback[:40] in value
               for value in values)
