"""The office's renewals notebook: locked text, one visible settings cell, and run by a real kernel."""

from __future__ import annotations

import datetime as dt
import shutil
import stat
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tests.renewal.conftest import HEADER
from trainingkit.course import Course
from trainingkit.renewal.commands import REPORT_FILES

SETTINGS = ("EVENTS", "ON", "COACH", "REPORT_FOLDER", "RESULTS", "CREDENTIALS")
LOG = [
    "C1,2024-01-10,certified,,,,",  # expires 2026-01-10, window open, no review: renewal due
    "C2,2022-03-01,certified,,,,",  # expired 2024-03-01: past the grace months
    "C3,2025-06-01,certified,,,,",  # certified, window not open yet
]


def _notebook(project: Course) -> nbformat.NotebookNode:
    return nbformat.read(project.notebooks_dir / "office" / "renewals.ipynb", as_version=4)


def _run(project: Course, folder: Path, log: list[str], *, coach: str | None = None,
         on: str = "2025-12-01") -> nbformat.NotebookNode:
    """Run the notebook in ``folder`` beside ``coaches.csv`` (the header, then ``log``), on ``on``, with
    the office folder ``folder/office`` (set up or not)."""
    (folder / "coaches.csv").write_text("\n".join([HEADER, *log]) + "\n", encoding="utf-8")
    notebook = _notebook(project)
    settings = notebook.cells[[cell.id for cell in notebook.cells].index("settings")]
    settings.source = (settings.source.replace("ON = None", f"ON = {on!r}")
                       .replace("COACH = None", f"COACH = {coach!r}")
                       .replace("CREDENTIALS = None", f"CREDENTIALS = {str(folder / 'office')!r}"))
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    return notebook


def _shown(notebook: nbformat.NotebookNode, cell_id: str, kind: str = "text/plain") -> str:
    (cell,) = [cell for cell in notebook.cells if cell.id == cell_id]
    return "".join(output.get("data", {}).get(kind, "") + output.get("text", "") for output in cell.outputs)


def _errors(notebook: nbformat.NotebookNode) -> list[str]:
    return [f"{output.ename}: {output.evalue}" for cell in notebook.cells if cell.cell_type == "code"
            for output in cell.outputs if output.output_type == "error" or "Traceback" in str(output)]


def test_only_the_settings_cell_shows_its_code(project: Course) -> None:
    """Every code cell but the settings (EVENTS, ON, COACH, REPORT_FOLDER) has its input hidden."""
    code = [cell for cell in _notebook(project).cells if cell.cell_type == "code"]
    visible = [cell for cell in code if not cell.metadata.get("jupyter", {}).get("source_hidden")]
    assert [cell.id for cell in visible] == ["settings"] and visible[0].metadata.tags == ["settings"]
    assert all(f"\n{name} = " in f"\n{visible[0].source}" for name in SETTINGS)


def test_office_staff_cannot_edit_or_delete_the_text_or_the_hidden_code(project: Course) -> None:
    """Every markdown cell and hidden code cell is neither editable nor deletable; the settings cannot be deleted."""
    for cell in _notebook(project).cells:
        assert cell.metadata.deletable is False
        if cell.id != "settings":
            assert cell.metadata.editable is False, cell.id


def test_the_stored_notebook_holds_no_outputs(project: Course) -> None:
    """No table, name or picture is stored in the notebook file; every run draws from the log."""
    assert all(not cell.get("outputs") and cell.get("execution_count") is None
               for cell in _notebook(project).cells if cell.cell_type == "code")


def test_a_valid_log_gives_the_tables_and_a_private_report(project: Course, tmp_path: Path) -> None:
    """A real kernel shows every coach and who needs the office, and writes the six report files, 0600."""
    notebook = _run(project, tmp_path, LOG, coach="C1")
    assert _errors(notebook) == []
    statuses = _shown(notebook, "statuses", "text/html")
    assert all(coach in statuses for coach in ("C1", "C2", "C3"))
    action = _shown(notebook, "action")
    assert "C1" in action and "C2" in action and "C3" not in action
    folder = tmp_path / "reports" / "2025-12-01"
    assert sorted(path.name for path in folder.iterdir()) == sorted(REPORT_FILES.values())
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in folder.iterdir())
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert str(folder) in _shown(notebook, "report")
    (cell,) = [cell for cell in notebook.cells if cell.id == "timeline"]
    (picture,) = [output["data"]["text/html"] for output in cell.outputs if "text/html" in output.get("data", {})]
    assert picture.startswith('<img src="data:image/png;base64,') and 'alt="Certification history of C1' in picture


def test_a_broken_line_is_named_without_a_traceback_and_nothing_is_written(project: Course, tmp_path: Path) -> None:
    """A log with a misspelt event shows the reader's message naming the line, and no report is written."""
    notebook = _run(project, tmp_path, [*LOG, "C3,2025-07-01,renwed,,,,"], coach="C1")
    assert _errors(notebook) == []
    message = _shown(notebook, "read")
    assert "coaches.csv, line 5, column event" in message and "did you mean 'renewed'?" in message
    assert not (tmp_path / "reports").exists()


def test_log_content_is_shown_as_text_never_as_html(project: Course, tmp_path: Path) -> None:
    """A coach id written as HTML in the log reaches the page escaped, in the tables and in a message."""
    notebook = _run(project, tmp_path, [*LOG, "<img src=x onerror=alert(1)>,2025-01-01,certified,,,,"],
                    coach="<b>nobody</b>")
    assert _errors(notebook) == []
    html = "".join(_shown(notebook, cell.id, "text/html") for cell in notebook.cells if cell.cell_type == "code")
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "text/html" not in str([cell.outputs for cell in notebook.cells if cell.id == "timeline"])


def test_without_a_log_the_committed_notebook_says_where_to_put_it(project: Course, tmp_path: Path) -> None:
    """Run as committed, in a folder with no coaches.csv, it names the missing file and its header."""
    shutil.copy(project.notebooks_dir / "office" / "renewals.ipynb", tmp_path)
    notebook = nbformat.read(tmp_path / "renewals.ipynb", as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert _errors(notebook) == []
    assert f"No event log at {tmp_path / 'coaches.csv'}" in _shown(notebook, "read")
    assert HEADER in _shown(notebook, "read")



def test_the_committee_in_the_log_revokes_a_certificate_the_office_issued(project: Course, tmp_path: Path) -> None:
    """With a set-up office folder, a `revoked` committee line revokes the coach's certificate when the page runs;
    without one, the page says there are no credentials to change."""
    from tests.credentials.conftest import FACTS, NOW, set_up_office
    from trainingkit.credentials import Outcome, issue_credential, verify_reference

    unset = _run(project, tmp_path, LOG)
    assert _errors(unset) == [] and "No credentials are issued from" in _shown(unset, "committee")
    office = set_up_office(tmp_path / "office")
    issued = issue_credential(office=office, facts=FACTS, now=NOW)
    log = ["C042,2026-11-29,certified,,,,", "C042,2027-01-05,committee,,,,revoked"]
    notebook = _run(project, tmp_path, log, on="2027-06-01")
    assert _errors(notebook) == []
    assert f"Revoked {issued.code} of C042: committee revoked on 2027-01-05" in _shown(notebook, "committee")
    assert verify_reference(issued.code, published=office.published, on=dt.date(2027, 6, 1)).outcome is Outcome.REVOKED
