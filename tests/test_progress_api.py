"""The progress route behind the Launcher's lesson cards: the person's own lessons and answers, as lesson 00 counts them."""

from __future__ import annotations

import json
from pathlib import Path

from trainingkit.answers import save_answer
from trainingkit.progress_api import lessons_folder, progress_listing


def _lesson(folder: Path, name: str, lesson_id: str, title: str, checks: list[str]) -> None:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": f"# {title}\n\nIntro."}]
    cells += [{"cell_type": "code", "metadata": {"trainingkit": {"check": check}}, "source": "", "outputs": [],
               "execution_count": None} for check in checks]
    notebook = {"cells": cells, "metadata": {"trainingkit": {"lesson": lesson_id}}, "nbformat": 4, "nbformat_minor": 5}
    (folder / name).write_text(json.dumps(notebook))


def _lessons(root: Path, where: str = "lessons") -> Path:
    folder = root / where
    folder.mkdir(parents=True)
    _lesson(folder, "00-welcome.ipynb", "00-welcome", "Welcome", ["w1", "w2"])
    _lesson(folder, "01-care.ipynb", "01-care", "Trauma-informed care", ["c1", "c2", "c3"])
    (folder / "notes.ipynb").write_text("not a lesson")
    return folder


def test_each_lesson_is_listed_in_order_with_its_title_path_and_checks_answered(tmp_path: Path) -> None:
    """Both checks of lesson 00 and one of lesson 01 answered: 00 done, 01 one of three; other files ignored."""
    folder = _lessons(tmp_path)
    for check in ("w1", "w2", "c2"):
        save_answer(folder / "answers.json", check, "a")
    listing = progress_listing(tmp_path)
    assert listing["folder"] == "lessons"
    assert [(l["path"], l["title"], l["answered"], l["checks"], l["done"]) for l in listing["lessons"]] == [
        ("lessons/00-welcome.ipynb", "Welcome", 2, 2, True),
        ("lessons/01-care.ipynb", "Trauma-informed care", 1, 3, False)]


def test_make_labs_workbook_folder_is_found_and_a_root_without_lessons_lists_none(tmp_path: Path) -> None:
    """``workbook/lessons`` (make lab) is found as ``lessons`` (the hub) is; a supervisor's root has no lessons."""
    _lessons(tmp_path / "lab", "workbook/lessons")
    assert lessons_folder(tmp_path / "lab") == tmp_path / "lab" / "workbook" / "lessons"
    assert progress_listing(tmp_path / "lab")["lessons"][0]["path"] == "workbook/lessons/00-welcome.ipynb"
    assert progress_listing(tmp_path / "empty") == {"folder": None, "lessons": []}


def test_an_unreadable_answers_file_is_said_and_lists_no_lesson(tmp_path: Path) -> None:
    """An answers file that is not one: no numbers are made up, and the problem names the file."""
    folder = _lessons(tmp_path)
    (folder / "answers.json").write_text("{ not json")
    listing = progress_listing(tmp_path)
    assert listing["lessons"] == [] and "answers.json" in listing["problem"]
