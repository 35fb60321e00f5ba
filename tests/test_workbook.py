"""The person's own copies of the lessons follow the build and never lose what they saved."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainingkit.workbook import MANIFEST, PREVIOUS, Step, Sync, next_step, sync_lesson_copies, sync_lessons


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


@pytest.mark.parametrize(("copy", "recorded", "built", "step"), [
    (None, None, "b2", Step.COPY),  # no copy yet
    (None, "b1", "b2", Step.COPY),  # the person deleted their copy: the build again
    ("b2", None, "b2", Step.CURRENT),  # the build already, with or without a record
    ("b2", "b1", "b2", Step.CURRENT),
    ("b1", "b1", "b2", Step.UPDATE),  # never changed since it was copied: replaced
    ("mine", "b2", "b2", Step.KEEP),  # changed, and the build is the one it came from
    ("mine", "b1", "b2", Step.SET_ASIDE),  # changed, and a new build
    ("b1", None, "b2", Step.SET_ASIDE),  # no record (an office made before records): never replaced unseen
])
def test_each_copy_is_copied_kept_replaced_or_set_aside_by_its_digests(copy, recorded, built, step) -> None:
    """next_step decides from three digests alone: the copy's, the recorded build's and the new build's."""
    assert next_step(copy, recorded, built) is step


def test_the_offices_old_notebook_is_set_aside_and_replaced_and_nothing_else_in_its_folder_changes(
        tmp_path: Path) -> None:
    """An office made before the log grid (a notebook, no record): the new build replaces it, the old one is in
    .previous; coaches.csv and a report are untouched; the record is kept outside the folder; a second start
    writes nothing in the folder."""
    renewals, record = tmp_path / "renewals", tmp_path / ".trainingkit" / "renewals-notebook.json"
    renewals.mkdir()
    (renewals / "renewals.ipynb").write_text("the notebook before the log grid")
    (renewals / "coaches.csv").write_text("coach_id,date,event\nC1,2025-01-01,certified\n")
    (renewals / "reports").mkdir()
    (renewals / "reports" / "summary.csv").write_text("the office's report")
    theirs = {path: path.read_bytes() for path in renewals.rglob("*") if path.is_file() and path.name != "renewals.ipynb"}
    built = {"renewals.ipynb": b"the notebook with the log grid"}
    assert sync_lesson_copies(built, renewals, record).set_aside == ("renewals.ipynb",)
    assert (renewals / "renewals.ipynb").read_bytes() == built["renewals.ipynb"]
    (aside,) = (renewals / PREVIOUS).iterdir()
    assert aside.read_text() == "the notebook before the log grid"
    assert {path: path.read_bytes() for path in theirs} == theirs
    assert record.exists() and not (renewals / MANIFEST).exists()
    listed = sorted(path.name for path in renewals.iterdir())
    assert sync_lesson_copies(built, renewals, record) == Sync()
    assert sorted(path.name for path in renewals.iterdir()) == listed


def test_an_office_copy_never_changed_follows_the_next_build_silently(tmp_path: Path) -> None:
    """Copied with a record, untouched, and a new build: replaced, nothing set aside."""
    renewals, record = tmp_path / "renewals", tmp_path / "record.json"
    sync_lesson_copies({"renewals.ipynb": b"build 1"}, renewals, record)
    assert sync_lesson_copies({"renewals.ipynb": b"build 2"}, renewals, record).updated == ("renewals.ipynb",)
    assert (renewals / "renewals.ipynb").read_bytes() == b"build 2" and not (renewals / PREVIOUS).exists()


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
