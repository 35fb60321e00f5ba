"""The office's grid in its notebook, in a real kernel, driven as a browser drives it: through the widgets'
comm messages (a box's new value, a button's click), never by calling Python in the kernel."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.renewal.conftest import HEADER
from trainingkit.course import Course
from trainingkit.renewal.logeditor import PAGE_ROWS

LOG = "\n".join([HEADER, "C1,2024-01-10,certified,,,,,,", "C2,2022-03-01,certified,,,,,,",
                 "C1,2025-11-01,review,,,85,,72.1,cycle-1"]) + "\n"


class Page:
    """The office's notebook running in a real kernel, and what a browser would send its widgets."""

    def __init__(self, client: NotebookClient) -> None:
        self.client = client

    def run_all(self) -> None:
        for index, cell in enumerate(self.client.nb.cells):
            if cell.cell_type == "code":
                self.client.execute_cell(cell, index)

    def shown(self, cell_id: str) -> str:
        (cell,) = [cell for cell in self.client.nb.cells if cell.id == cell_id]
        return "".join(str(output.get("data", {})) + output.get("text", "") for output in cell.outputs)

    def widget(self, model: str, **state: str) -> str:
        """The id of the one widget of ``model`` (``TextModel``, ``ButtonModel``...) whose state holds ``state``."""
        found = [model_id for model_id, held in self.client.widget_state.items()
                 if held.get("_model_name") == model and all(held.get(key) == value for key, value in state.items())]
        assert len(found) == 1, (model, state, found)
        return found[0]

    def send(self, model_id: str, data: dict) -> None:
        kc = self.client.kc
        kc.shell_channel.send(kc.session.msg("comm_msg", {"comm_id": model_id, "data": data}))

    def type_into(self, description: str, value: str, model: str = "TextModel") -> None:
        self.send(self.widget(model, description=description),
                  {"method": "update", "state": {"value": value}, "buffer_paths": []})

    def press(self, button: str) -> str:
        """Click the button named ``button``; return the message then shown under the buttons."""
        self.send(self.widget("ButtonModel", description=button), {"method": "custom", "content": {"event": "click"}})
        return self.value_of(self.message_id)

    def value_of(self, model_id: str, name: str = "value") -> str:
        """Ask the kernel for a widget's value (run after every message sent before it, in order)."""
        cell = nbformat.v4.new_code_cell(
            f"from ipywidgets.widgets.widget import _instances\nprint(_instances[{model_id!r}].{name})")
        self.client.nb.cells.append(cell)  # nbclient keeps what it runs in the notebook: taken out again
        try:
            self.client.execute_cell(cell, len(self.client.nb.cells) - 1)
        finally:
            self.client.nb.cells.pop()
        return "".join(output.get("text", "") for output in cell.outputs)

    @property
    def message_id(self) -> str:
        (found,) = [model_id for model_id, held in self.client.widget_state.items()
                    if held.get("_model_name") == "HTMLModel" and "tk-log-message" in held.get("value", "")]
        return found


@pytest.fixture
def office_page(project: Course, tmp_path: Path) -> Iterator[tuple[Page, Path]]:
    """The office's notebook beside ``coaches.csv`` (mode 0640), run once on 2025-12-01 in a real kernel."""
    log = tmp_path / "coaches.csv"
    log.write_text(LOG, encoding="utf-8")
    os.chmod(log, 0o640)
    notebook = nbformat.read(project.notebooks_dir / "office" / "renewals.ipynb", as_version=4)
    settings = notebook.cells[[cell.id for cell in notebook.cells].index("settings")]
    settings.source = (settings.source.replace("ON = None", "ON = '2025-12-01'")
                       .replace("CREDENTIALS = None", f"CREDENTIALS = {str(tmp_path / 'office')!r}"))
    client = NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    with client.setup_kernel():
        page = Page(client)
        page.run_all()
        yield page, log


def test_the_grid_shows_every_line_in_labelled_boxes(office_page: tuple[Page, Path]) -> None:
    """Each line's columns are boxes named by column and line; the page says how many lines it shows."""
    page, _ = office_page
    assert "application/vnd.jupyter.widget-view+json" in page.shown("grid")
    assert page.value_of(page.widget("TextModel", description="coach_id, line 3")).strip() == "C2"
    assert page.value_of(page.widget("TextModel", description="score, line 4")).strip() == "85"
    assert page.widget("ComboboxModel", description="event, line 4")


def test_a_bad_cell_is_refused_naming_its_line_and_the_file_is_untouched(office_page: tuple[Page, Path]) -> None:
    """A score of 120 on line 4: Save names line 4, C1, column score in one line; the file keeps its bytes and inode."""
    page, log = office_page
    before = log.stat()
    page.type_into("score, line 4", "120")
    said = page.press("Save the log")
    assert "Not saved, nothing was written: coaches.csv, line 4 (C1, 2025-11-01), column score:" in said
    assert said.count("\n") == 1  # one line, printed
    assert log.read_text(encoding="utf-8") == LOG and log.stat().st_ino == before.st_ino


def test_a_correction_and_a_new_event_are_saved_and_the_page_reads_them_when_run_again(
        office_page: tuple[Page, Path]) -> None:
    """Correct a score, add coach C9's certification, save: the file holds both (still 0640) and, run again,
    the page's tables show C9."""
    page, log = office_page
    assert "C9" not in page.shown("statuses")
    page.type_into("score, line 4", "86")
    for column, value in {"coach_id": "C9", "date": "2025-06-01"}.items():
        page.type_into(f"{column} of the new event", value)
    page.type_into("event of the new event", "certified", model="ComboboxModel")
    assert "Added as line 5" in page.press("Add this event")
    said = page.press("Save the log")
    assert "Saved coaches.csv" in said and "1 line(s) changed, 1 added" in said
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines[3] == "C1,2025-11-01,review,,,86,,72.1,cycle-1" and lines[4] == "C9,2025-06-01,certified,,,,,,"
    assert lines[:3] == LOG.splitlines()[:3]
    assert stat.S_IMODE(log.stat().st_mode) == 0o640
    page.run_all()
    assert "C9" in page.shown("statuses")


def test_a_log_changed_on_disk_is_not_overwritten_and_reload_keeps_the_edit(office_page: tuple[Page, Path]) -> None:
    """A line appended after the grid read the log makes Save refuse; Reload keeps the edit, and Save then
    writes both the appended line and the edit."""
    page, log = office_page
    page.type_into("date, line 3", "2022-03-02")
    with log.open("a", encoding="utf-8") as stream:
        stream.write("C2,2025-11-20,supervision,Ann Lee,2,,,,\n")
    said = page.press("Save the log")
    assert "was changed on disk since this grid read it" in said and "Reload from disk" in said
    assert log.read_text(encoding="utf-8").endswith("Ann Lee,2,,,,\n")
    assert "1 change(s) of yours kept" in page.press("Reload from disk")
    assert "Saved" in page.press("Save the log")
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines[2] == "C2,2022-03-02,certified,,,,,," and lines[4] == "C2,2025-11-20,supervision,Ann Lee,2,,,,"


def test_many_coaches_are_paged_and_the_filter_finds_one(project: Course, tmp_path: Path) -> None:
    """With 300 coaches the grid shows one page; typing part of a coach id narrows it to that coach's lines."""
    rows = [f"C{number:03d},2024-01-10,certified,,,,,," for number in range(300)]
    (tmp_path / "coaches.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    notebook = nbformat.read(project.notebooks_dir / "office" / "renewals.ipynb", as_version=4)
    client = NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    with client.setup_kernel():
        page = Page(client)
        page.run_all()
        place = page.widget("LabelModel", value=f"Lines shown: {PAGE_ROWS} of 300 matching, page 1 of 20 "
                                                "(the log has 300).")
        first = page.widget("TextModel", description="coach_id, line 2")
        page.type_into("Coach id contains", "c123")
        assert page.value_of(place).strip() == "Lines shown: 1 of 1 matching, page 1 of 1 (the log has 300)."
        assert page.value_of(first).strip() == "C123"
        assert page.value_of(first, "description").strip() == "coach_id, line 125"


def test_a_coach_id_written_as_html_is_a_boxs_text_and_escaped_in_a_message(tmp_path: Path) -> None:
    """A log line whose coach id is markup shows it as a box's value, and the save message escapes it."""
    from trainingkit.renewal.logeditor import LogEditor

    hostile = "<img src=x onerror=alert(1)>"
    log = tmp_path / "coaches.csv"
    log.write_text(f"{HEADER}\n{hostile},2024-01-10,certified,,,,,,\n", encoding="utf-8")
    editor = LogEditor(log)
    assert editor.cells[0]["coach_id"].value == hostile
    editor.cells[0]["date"].value = "2024-13-10"
    assert editor.save() is False
    assert hostile in editor.said and "<img" not in editor.message.value
    assert "&lt;img src=x onerror=alert(1)&gt;" in editor.message.value
