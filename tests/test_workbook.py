"""The person's own copies of the lessons follow the build and never lose what they saved."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainingkit.workbook import PREVIOUS, sync_lessons


@pytest.fixture()
def built(tmp_path: Path) -> Path:
    source = tmp_path / "notebooks"
    source.mkdir()
    (source / "00-welcome.ipynb").write_text("build 1 of lesson 00")
    (source / "01-care.ipynb").write_text("build 1 of lesson 01")
    (source / "dashboard.ipynb").write_text("not a lesson")
    return source


def test_a_first_sync_copies_every_numbered_lesson_and_nothing_else(built: Path, tmp_path: Path) -> None:
    target = tmp_path / "workbook" / "lessons"
    assert sync_lessons(built, target).copied == ("00-welcome.ipynb", "01-care.ipynb")
    assert (target / "00-welcome.ipynb").read_text() == "build 1 of lesson 00"
    assert not (target / "dashboard.ipynb").exists()


def test_an_unsaved_copy_follows_a_new_build(built: Path, tmp_path: Path) -> None:
    target = tmp_path / "lessons"
    sync_lessons(built, target)
    (built / "00-welcome.ipynb").write_text("build 2 of lesson 00")
    assert sync_lessons(built, target).updated == ("00-welcome.ipynb",)
    assert (target / "00-welcome.ipynb").read_text() == "build 2 of lesson 00"
    assert not (target / PREVIOUS).exists()


def test_a_saved_copy_is_kept_while_the_build_is_unchanged(built: Path, tmp_path: Path) -> None:
    target = tmp_path / "lessons"
    sync_lessons(built, target)
    (target / "00-welcome.ipynb").write_text("saved by the trainee")
    assert sync_lessons(built, target).kept == ("00-welcome.ipynb",)
    assert (target / "00-welcome.ipynb").read_text() == "saved by the trainee"


def test_a_saved_copy_is_set_aside_not_lost_when_a_new_build_arrives(built: Path, tmp_path: Path) -> None:
    target = tmp_path / "lessons"
    sync_lessons(built, target)
    (target / "00-welcome.ipynb").write_text("saved by the trainee")
    (built / "00-welcome.ipynb").write_text("build 2 of lesson 00")
    assert sync_lessons(built, target).set_aside == ("00-welcome.ipynb",)
    assert (target / "00-welcome.ipynb").read_text() == "build 2 of lesson 00"
    (aside,) = (target / PREVIOUS).iterdir()
    assert aside.read_text() == "saved by the trainee"


def test_answers_beside_the_copies_are_never_touched(built: Path, tmp_path: Path) -> None:
    target = tmp_path / "lessons"
    target.mkdir()
    (target / "answers.json").write_text('{"kept": true}')
    (built / "00-welcome.ipynb").write_text("build 2")
    sync_lessons(built, target)
    sync_lessons(built, target)
    assert (target / "answers.json").read_text() == '{"kept": true}'


def test_make_lab_fetches_assignments_into_the_workbook_and_opens_the_own_copy(course_copy, tmp_path: Path) -> None:
    from trainingkit.lab import START_PAGE, lab_command, write_jupyter_config

    env = write_jupyter_config(course_copy, tmp_path / "jupyter")
    config = (Path(env["JUPYTER_CONFIG_DIR"]) / "nbgrader_config.py").read_text()
    assert f"Exchange.assignment_dir = {str(course_copy.workbook_dir)!r}" in config
    assert lab_command(course_copy, open_browser=False)[-1] == START_PAGE
    assert START_PAGE.startswith("workbook/lessons/")


def test_make_lab_prints_and_opens_the_address_of_lesson_00_not_the_launcher(course_copy) -> None:
    """The lab's default URL, which its console prints and `/` redirects to, is the own copy of lesson 00."""
    from trainingkit.lab import START_PAGE, lab_command

    assert f"--LabApp.default_url=/lab/tree/{START_PAGE}" in lab_command(course_copy, open_browser=False)


def test_a_csv_file_opens_in_the_editor_by_jupyterlabs_own_setting() -> None:
    """The office's log opens editable: the setting is JupyterLab's docmanager defaultViewers, csv to Editor."""
    import json

    import jupyterlab

    from trainingkit.lab import LAB_SETTINGS

    schema = json.loads((Path(jupyterlab.__file__).parent / "schemas" / "@jupyterlab" / "docmanager-extension"
                         / "plugin.json").read_text())
    assert "defaultViewers" in schema["properties"]
    assert LAB_SETTINGS["@jupyterlab/docmanager-extension/plugin.jupyterlab-settings"] == {
        "defaultViewers": {"csv": "Editor"}}


def test_make_lab_signs_the_lesson_copies_so_jupyter_trusts_them(course_copy, tmp_path: Path, monkeypatch) -> None:
    """After prepare_workbook the person's notary trusts every lesson copy (no 'not trusted' warnings)."""
    import nbformat
    from nbformat.sign import NotebookNotary

    from trainingkit.lab import prepare_workbook

    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))
    prepare_workbook(course_copy)
    notary = NotebookNotary(data_dir=str(tmp_path / "data"))
    copies = sorted((course_copy.workbook_dir / "lessons").glob("*.ipynb"))
    assert copies and all(notary.check_signature(nbformat.read(path, as_version=4)) for path in copies)
