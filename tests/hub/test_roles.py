"""What each role's own JupyterLab switches off, as written to its configuration folder."""

from __future__ import annotations

import json
from pathlib import Path

from trainingkit.hub.roles import (
    AUTORUN_PLUGIN, GRADER_VIEW, GRADING_EXTENSIONS, GRADING_PLUGINS, LESSON_00, LESSONS, RENEWALS, VIEWS,
    runtime_dir, write_role_config,
)
from trainingkit.hub.roster import Role
from trainingkit.renewal.events import EVENT_COLUMNS


def test_no_role_grades_in_its_own_server() -> None:
    """Every role has nbgrader's formgrader, course list and create-assignment switched off."""
    for view in VIEWS.values():
        assert set(GRADING_PLUGINS) <= set(view.disabled_plugins)
        assert set(GRADING_EXTENSIONS) <= set(view.disabled_extensions)


def test_trainees_open_on_their_lessons_and_keep_the_assignments_panel() -> None:
    """A trainee opens on lesson 00, gets the lessons, and keeps the assignment list."""
    view = VIEWS[Role.TRAINEE]
    assert view.default_url == LESSON_00 == "/lab/tree/lessons/00-welcome.ipynb" and view.workspace is LESSONS
    assert "@jupyter/nbgrader:assignment-list" not in view.disabled_plugins


def test_the_office_opens_on_its_renewals_notebook_beside_an_empty_log() -> None:
    """The office gets ~/renewals (the notebook and a header-only coaches.csv), opens on it, and has no assignments."""
    view = VIEWS[Role.OFFICE]
    assert view.workspace is RENEWALS and view.default_url == "/lab/tree/renewals/renewals.ipynb"
    assert (RENEWALS.source, RENEWALS.notebooks) == ("office", "renewals.ipynb")
    assert dict(RENEWALS.blank_files) == {"coaches.csv": ",".join(EVENT_COLUMNS) + "\n"}
    assert "@jupyter/nbgrader:assignment-list" in view.disabled_plugins


def test_every_role_opens_in_its_own_folder() -> None:
    """Each role's server opens on a notebook inside the folder it is given."""
    for view in VIEWS.values():
        assert view.workspace is not None and view.default_url == view.workspace.default_url


def test_a_role_folder_holds_server_lab_and_nbgrader_settings(tmp_path: Path) -> None:
    """The folder switches the extensions off, sends nbgrader to the course service, and needs no migration."""
    write_role_config(tmp_path, VIEWS[Role.TRAINEE], course_id="c1")
    server = json.loads((tmp_path / "jupyter_server_config.json").read_text())
    assert server["ServerApp"]["jpserver_extensions"]["nbgrader.server_extensions.formgrader"] is False
    assert server["ServerApp"]["terminado_settings"] == {"shell_command": ["/bin/bash"]}  # not a login shell
    page = json.loads((tmp_path / "labconfig" / "page_config.json").read_text())
    assert page["disabledExtensions"]["@jupyter/nbgrader:formgrader"] is True
    from traitlets.config import Config

    config = Config()
    exec((tmp_path / "nbgrader_config.py").read_text(), {"get_config": lambda: config})
    assert config.CourseDirectory.course_id == "c1" and "root" not in config.CourseDirectory
    assert "root" not in config.Exchange  # no shared folder to name
    assert {step: plugin.rsplit(".", 1)[1] for step, plugin in config.ExchangeFactory.items()} == {
        "fetch_assignment": "ServiceFetchAssignment", "submit": "ServiceSubmit", "list": "ServiceList",
        "fetch_feedback": "ServiceFetchFeedback"}
    assert (tmp_path / "migrated").is_file()


def test_a_submitted_notebook_runs_nothing_by_itself_in_the_graders_lab() -> None:
    """The grader's view switches trainingkit's autorun off; the trainee's and supervisor's keep it."""
    assert AUTORUN_PLUGIN in GRADER_VIEW.disabled_plugins
    assert all(AUTORUN_PLUGIN not in view.disabled_plugins for view in VIEWS.values())


def test_the_assignments_panel_speaks_plainly_wherever_there_is_one(tmp_path: Path) -> None:
    """Trainees and supervisors get the plain-refusal extension; the office, who has no panel, does not."""
    from trainingkit.exchange.panel import PANEL_EXTENSION

    for role, expected in ((Role.TRAINEE, True), (Role.SUPERVISOR, True), (Role.OFFICE, None)):
        write_role_config(tmp_path / role.value, VIEWS[role], course_id="c1")
        server = json.loads((tmp_path / role.value / "jupyter_server_config.json").read_text())
        assert server["ServerApp"]["jpserver_extensions"].get(PANEL_EXTENSION) is expected, role


def test_a_kernels_socket_fits_a_unix_socket_path_for_the_longest_name_the_roster_allows() -> None:
    """In the runtime folder of /home/ plus a 32-letter name, a kernel's last socket path is at most 107 bytes."""
    socket = runtime_dir(Path("/home") / ("n" * 32)) / f"kernel-{'0' * 8}-{'0' * 4}-{'0' * 4}-{'0' * 4}-{'0' * 12}-ipc-5"
    assert len(str(socket).encode()) <= 107
