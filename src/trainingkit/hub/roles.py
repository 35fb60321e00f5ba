"""What each role sees in its own JupyterLab on the hub. Pure data and one writer.

nbgrader switches all of its server extensions and lab plugins on for everyone. On the hub
nobody grades in their own server: supervisors grade in the course's formgrader service,
which runs as the grader account. So the formgrader, course list and create-assignment
parts are off for every role, and the office (who submits nothing) has no assignment list.

Each person's own folder (a :class:`Workspace`: the lessons, or the office's renewals) is
filled from the course's notebooks when their server starts (the lessons and the office's
notebook brought up to date at every start, the office's log only when missing), and their
server opens on it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from trainingkit.build import write_if_changed
from trainingkit.exchange.panel import PANEL_EXTENSION
from trainingkit.grading.config import CLIENT_PLUGINS
from trainingkit.grading.formgrader import SERVER_EXTENSION
from trainingkit.progress_api import SERVER_EXTENSION as PROGRESS_EXTENSION
from trainingkit.hub.roster import Role
from trainingkit.renewal.workspace import BLANK_LOG
from trainingkit.workbook import LESSON_NOTEBOOKS

GRADING_PLUGINS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                   "@jupyter/nbgrader:course-list")
GRADING_EXTENSIONS = ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list")
ASSIGNMENT_PLUGINS = ("@jupyter/nbgrader:assignment-list", "@jupyter/nbgrader:validate-assignment")
ASSIGNMENT_EXTENSIONS = ("nbgrader.server_extensions.assignment_list",
                         "nbgrader.server_extensions.validate_assignment")


@dataclass(frozen=True)
class Workspace:
    """A folder of a person's own in their home, filled from the course's notebooks.

    ``notebooks`` (a glob) are copied from ``source`` (a folder under the course's
    ``notebooks/``, ``"."`` for the lessons) and ``blank_files`` are written, each only
    if the person has no file of that name yet; the server opens on ``opens``. A workspace
    ``kept_current`` has its notebooks brought up to date with the build at every start instead
    (:mod:`trainingkit.hub.fresh_lessons`: answers kept, a changed copy set aside), the build
    each copy came from remembered in ``record`` (a path in the home; "" for a file in the folder).
    """

    folder: str
    source: str
    notebooks: str
    opens: str
    blank_files: tuple[tuple[str, str], ...] = ()
    kept_current: bool = False
    record: str = ""

    @property
    def default_url(self) -> str:
        return f"/lab/tree/{self.folder}/{self.opens}"


#: Trainees' and supervisors' own copies of the lessons.
LESSONS = Workspace("lessons", ".", LESSON_NOTEBOOKS, "00-welcome.ipynb", kept_current=True)
#: The office's renewals notebook, kept current (an office made before the log grid gets it at its
#: next start), and its event log, empty but for the header at first and never replaced. The record
#: of the notebook's build is kept outside ~/renewals, which holds only the office's own files.
RENEWALS = Workspace("renewals", "office", "renewals.ipynb", "renewals.ipynb",
                     (("coaches.csv", BLANK_LOG),), kept_current=True, record=".trainingkit/renewals-notebook.json")
LESSON_00 = LESSONS.default_url


@dataclass(frozen=True)
class RoleView:
    """One role's JupyterLab: its own folder, what is switched off, and where it opens (on
    the folder's notebook, unless ``opens`` says otherwise)."""

    workspace: Workspace | None
    disabled_plugins: tuple[str, ...]
    disabled_extensions: tuple[str, ...]
    opens: str | None = None

    @property
    def default_url(self) -> str:
        if self.opens is None and self.workspace is None:
            raise ValueError("a role view without a workspace must say where it opens")
        return self.opens or self.workspace.default_url  # type: ignore[union-attr]


VIEWS = {
    Role.TRAINEE: RoleView(LESSONS, GRADING_PLUGINS, GRADING_EXTENSIONS),
    Role.SUPERVISOR: RoleView(LESSONS, GRADING_PLUGINS, GRADING_EXTENSIONS),
    Role.OFFICE: RoleView(RENEWALS, GRADING_PLUGINS + ASSIGNMENT_PLUGINS, GRADING_EXTENSIONS + ASSIGNMENT_EXTENSIONS),
}

#: What a JupyterLab terminal runs on the hub (interactive, so PATH keeps the course's interpreter).
TERMINAL_SHELL = "/bin/bash"

#: How servers on the hub talk to their kernels: over Unix sockets in the owner's runtime
#: folder, not Jupyter's default TCP ports on 127.0.0.1. Any account on the machine may connect
#: to a TCP port, and a kernel's ``iopub`` channel (signed, not encrypted) hands whoever
#: subscribes everything the kernel shows, a classmate's answers too; and thirty servers
#: picking random free ports at once sometimes pick the same one, and that kernel never answers.
KERNELS_OVER_SOCKETS = "--KernelManager.transport=ipc"


def runtime_dir(home: Path) -> Path:
    """Where a server on the hub keeps its kernels' connection files and sockets: in its owner's
    private home, and short, as a Unix socket's path must fit in 107 bytes
    (``/home/`` + a 32-letter name + this + ``/kernel-UUID-ipc-N`` takes 105)."""
    return home / ".jupyter" / "runtime"


#: trainingkit's JupyterLab extension, which runs a trainingkit notebook's widget cells on open.
AUTORUN_PLUGIN = "@trainingkit/autorun:plugin"

#: The course's formgrader service, run as the grader account: opens on the formgrader. A
#: trainee's submitted notebook opened there must run nothing by itself with the grader's
#: powers (its widget cells are the trainee's copy), so autorun is off.
GRADER_VIEW = RoleView(None, (AUTORUN_PLUGIN,), (), opens="/formgrader")


def nbgrader_client_config(course_id: str) -> str:
    """The nbgrader settings of a person's own server: fetch, submit, list and feedback go
    through the course service (its address comes with the server's environment)."""
    plugins = "".join(f"c.ExchangeFactory.{step} = {plugin!r}\n" for step, plugin in CLIENT_PLUGINS.items())
    return ("# Written by `trainingkit hub`: assignments come and go through the course service.\n"
            "c = get_config()  # noqa: F821\n" + plugins +
            "c.Exchange.path_includes_course = True\n"
            f"c.CourseDirectory.course_id = {course_id!r}\n")


def write_role_config(folder: Path, view: RoleView, *, course_id: str) -> None:
    """Write one role's Jupyter configuration folder (its ``JUPYTER_CONFIG_DIR``)."""
    extensions = {name: False for name in view.disabled_extensions} | {SERVER_EXTENSION: True}
    if view.workspace is not None:
        extensions[PROGRESS_EXTENSION] = True  # the Launcher's lesson cards (a person's own server only)
    if view.workspace is not None and ASSIGNMENT_EXTENSIONS[0] not in view.disabled_extensions:
        extensions[PANEL_EXTENSION] = True  # the Assignments panel shows a refusal's words, not a traceback
    # A terminal is an interactive shell, not a login one: Debian's /etc/profile would reset
    # PATH and lose the course's interpreter, so `trainingkit` and `nbgrader` would be "not found".
    server = {"ServerApp": {"jpserver_extensions": extensions,
                            "terminado_settings": {"shell_command": [TERMINAL_SHELL]}}}
    page = {"disabledExtensions": {name: True for name in view.disabled_plugins}}
    write_if_changed(folder / "jupyter_server_config.json", json.dumps(server, indent=1).encode())
    write_if_changed(folder / "labconfig" / "page_config.json", json.dumps(page, indent=1).encode())
    write_if_changed(folder / "nbgrader_config.py", nbgrader_client_config(course_id).encode())
    # jupyter_core writes this marker into the (read-only, shared) folder unless it exists
    write_if_changed(folder / "migrated", b"written by trainingkit hub: nothing to migrate\n")
