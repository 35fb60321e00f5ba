"""Set up and open JupyterLab as a trainee meets it: lessons first, assignments in the panel.

Everything lives inside the project folder (``.jupyter/``, ``.exchange/``), so the
workbook never touches the user's own Jupyter settings.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from trainingkit.build import load_course, run_nbgrader, write_if_changed
from trainingkit.course import Course
from trainingkit.grading.formgrader import SERVER_EXTENSION
from trainingkit.progress_api import SERVER_EXTENSION as PROGRESS_EXTENSION
from trainingkit.workbook import LESSON_NOTEBOOKS, Sync, sync_lessons

#: Where ``make lab`` opens: the person's own copy of lesson 00 (see trainingkit.workbook).
START_PAGE = "workbook/lessons/00-welcome.ipynb"

#: JupyterLab settings: no news toast or update check (trainees' labs never call out to the
#: internet); widget state saved so answers show after a reload; a .csv file (the office's
#: event log ``coaches.csv``, a report) opens in the editor, where it can be changed and no
#: column is cut off, instead of the read-only grid (no "Open With" needed). The hub writes the
#: same settings as its interpreter's overrides, for everyone.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"defaultViewers": {"csv": "Editor"}},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False},
    "@jupyter-widgets/jupyterlab-manager/plugin.jupyterlab-settings": {"saveState": True},
}


def jupyter_environment(course: Course, config_dir: Path | None = None) -> dict[str, str]:
    """Environment variables that point Jupyter at the workbook's own settings."""
    config_dir = config_dir or course.root / ".jupyter"
    return {
        "JUPYTER_CONFIG_DIR": str(config_dir),
        "JUPYTERLAB_SETTINGS_DIR": str(config_dir / "lab" / "user-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(config_dir / "lab" / "workspaces"),
        "TRAININGKIT_EXCHANGE": str(course.exchange_dir),
    }


def write_jupyter_config(course: Course, config_dir: Path | None = None) -> dict[str, str]:
    """Write nbgrader and JupyterLab settings for the workbook; return the environment to use."""
    env = jupyter_environment(course, config_dir)
    config = Path(env["JUPYTER_CONFIG_DIR"])
    nbgrader_config = (
        "# Written by `trainingkit lab`: the Assignments panel and formgrader use this course.\n"
        "from pathlib import Path\n"
        "from trainingkit.course import Course\n"
        "from trainingkit.grading.config import configure\n\n"
        f"configure(get_config(), course=Course(Path({str(course.root)!r})))  # noqa: F821\n"
        "# Fetched assignments go to the person's workbook, not the project folder.\n"
        f"get_config().Exchange.assignment_dir = {str(course.workbook_dir)!r}  # noqa: F821\n")
    write_if_changed(config / "nbgrader_config.py", nbgrader_config.encode())
    server = {"ServerApp": {"jpserver_extensions": {SERVER_EXTENSION: True, PROGRESS_EXTENSION: True}}}
    write_if_changed(config / "jupyter_server_config.json", json.dumps(server, indent=1).encode())
    for name, settings in LAB_SETTINGS.items():
        write_if_changed(Path(env["JUPYTERLAB_SETTINGS_DIR"]) / name, json.dumps(settings).encode())
    return env


def prepare_workbook(course: Course) -> Sync:
    """The person's own copies of the lessons, up to date with the build (nothing saved is lost).

    Copies are signed with the person's own notebook secret (``JUPYTER_DATA_DIR``), as Jupyter
    signs what it saves: the server then trusts them instead of warning "Notebook is not trusted"
    at every open.
    """
    import nbformat
    from nbformat.sign import NotebookNotary

    lessons = course.workbook_dir / "lessons"
    synced = sync_lessons(course.notebooks_dir, lessons)
    notary = NotebookNotary()
    for path in sorted(lessons.glob(LESSON_NOTEBOOKS)):
        notebook = nbformat.read(path, as_version=4)
        if not notary.check_signature(notebook):
            notary.sign(notebook)
    return synced


def release_all(course: Course) -> list[str]:
    """Release every generated assignment to the local exchange, for the Assignments panel."""
    _, assignments = load_course(course)
    course.exchange_dir.mkdir(parents=True, exist_ok=True)
    released = []
    for assignment_id in assignments:
        if (course.release_dir / assignment_id).is_dir():
            run_nbgrader(course, "release_assignment", assignment_id, "--force",
                         f"--Exchange.root={course.exchange_dir}")
            released.append(assignment_id)
    return released


def lab_command(course: Course, *, port: int | None = None, token: str | None = None,
                open_browser: bool = True) -> list[str]:
    # the address printed (and opened) is the default URL: lesson 00, not the Launcher on the project
    command = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={course.root}",
               "--ip=127.0.0.1", f"--LabApp.default_url=/lab/tree/{START_PAGE}"]
    if port:
        command.append(f"--port={port}")
    if token is not None:
        command.append(f"--IdentityProvider.token={token}")
    if not open_browser:
        command.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    command.append(START_PAGE)
    return command


def open_lab(course: Course) -> None:
    """Configure, release and replace this process with JupyterLab on the welcome lesson."""
    env = {**os.environ, **write_jupyter_config(course)}
    os.environ.update(env)
    print("Releasing the assignments to the workbook's Assignments panel ...", flush=True)
    release_all(course)
    print("Bringing your copies of the lessons up to date ...", flush=True)
    synced = prepare_workbook(course)
    for name in synced.set_aside:
        print(f"{name}: your saved copy was set aside in workbook/lessons/.previous/ for the new build")
    command = lab_command(course, open_browser=shutil.which("xdg-open") is not None)
    print(f"Starting JupyterLab on lesson 00 ({START_PAGE}); open the address it prints below.", flush=True)
    os.chdir(course.root)
    os.execvpe(command[0], command, env)
