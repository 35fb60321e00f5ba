"""Put the course on this machine for a class: accounts, interpreter, course, settings. Needs root.

Each step can run again: it makes what is missing and updates what the project changed,
and never touches trainees' work, the gradebook or a password already given.

1. the grader account, which owns the course (no password: nobody logs in as it);
2. an interpreter every account can run (``PREFIX/venv``, from Debian's python3.11 by
   default: pyenv's lives under ``/root``), with trainingkit installed from the project,
   not linked to it, so no account needs to read the project folder;
3. the course: the project's instructor files and its supervisor and office notebooks
   copied to ``PREFIX/course``, built and released there as the grader; the folder is the
   grader's alone (0700);
4. each role's Jupyter configuration, the roster's trainees in the gradebook (by their
   roster names), and the roster's accounts with first passwords (returned, to be shown
   once: no file keeps them);
5. the office's folder for the results register (and a copy of the fixed forms register): the
   grader's, readable by the office's group; the folder where the office publishes its open renewal
   windows for the grader; and the certification body's published folder, root's, which the
   office's group writes and everyone reads.
"""

from __future__ import annotations

import csv
import grp
import hashlib
import io
import json
import os
import pwd
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

from trainingkit.build import write_if_changed
from trainingkit.course import INSTRUCTOR_FILES, Course
from trainingkit.exchange.store import CourseStore
from trainingkit.files import write_atomically
from trainingkit.hub import accounts, checkout
from trainingkit.hub.layout import HubLayout
from trainingkit.hub.roles import GRADER_VIEW, VIEWS, runtime_dir, write_role_config
from trainingkit.hub.roster import Member, Role
from trainingkit.lab import LAB_SETTINGS

DEFAULT_PYTHON = Path("/usr/bin/python3.11")
#: The prebuilt JupyterLab extension that the wheel carries (built by `make setup`, needs npm).
LABEXTENSION = Path("src/trainingkit/labextension/package.json")
COURSE_FOLDERS = ("bank", "lessons")
#: Installed with jsonschema's format checkers but used by no Jupyter schema: rfc3987-syntax
#: compiles about 35 parsers whenever a Jupyter server starts (jupyter_server issue #1559),
#: some 1.2 s of CPU per person's server; without it jsonschema just skips the "iri" formats.
UNUSED_SLOW_PACKAGES = ("rfc3987-syntax",)
#: The notebooks of the course's own people: the supervisors' dashboard (run as the grader)
#: and the office's renewals notebook (copied into each office account's ``~/renewals``).
NOTEBOOK_FOLDERS = ("supervisor", "office")
#: The deployed course's nbgrader configuration: release, collect and feedback work on the course
#: service's store, never a shared folder.
SHARED_CONFIG = ("# Written by `trainingkit hub`: trainees have accounts of their own here.\n"
                 "from trainingkit.grading.config import configure, course_from_config_file\n\n"
                 "configure(get_config(), course=course_from_config_file(__file__), shared=True)"
                 "  # noqa: F821\n")


class DeployError(RuntimeError):
    """A deployment step failed; the message names the step."""


def _run(command: Sequence[str], what: str, *, user: str | None = None, env: dict[str, str] | None = None,
         cwd: Path | None = None) -> str:
    process = subprocess.run(list(command), capture_output=True, text=True, env=env, cwd=cwd, user=user,
                             group=pwd.getpwnam(user).pw_gid if user else None, extra_groups=[] if user else None)
    if process.returncode != 0:
        raise DeployError(f"{what} failed ({process.returncode}):\n{process.stdout[-2000:]}\n{process.stderr[-3000:]}")
    return process.stdout


def project_fingerprint(project: Path) -> str:
    """Changes whenever what would be installed from the project changes."""
    digest = hashlib.sha256()
    for path in sorted([project / "pyproject.toml", *(project / "src").rglob("*")]):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(project)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_venv(layout: HubLayout, project: Path, python: Path = DEFAULT_PYTHON) -> None:
    """An interpreter every account can run, with this project's trainingkit installed in it."""
    stamp = layout.venv / f".trainingkit-{project_fingerprint(project)}"
    if stamp.exists():
        return
    if not os.access(python, os.X_OK):
        raise DeployError(f"{python}: no interpreter there; install Debian's python3.11 "
                          "(apt-get install -y python3.11-venv) or pass --python")
    if not layout.bin("python").exists():
        _run([str(python), "-m", "venv", str(layout.venv)], f"making {layout.venv}")
    if not (project / LABEXTENSION).is_file():
        raise DeployError(f"{project / LABEXTENSION}: the JupyterLab extension is not built; "
                          "run `make setup` in the project first")
    build_dir = layout.prefix / ".build"
    shutil.rmtree(build_dir, ignore_errors=True)
    shutil.copytree(project, build_dir, ignore=shutil.ignore_patterns(
        ".git", ".venv", ".cache", "coursework", "notebooks", "tests", "test-artifacts", "*.egg-info",
        "__pycache__", ".exchange", ".jupyter", "trauma-recovery-coaching", "node_modules"))
    try:
        _run([str(layout.bin("python")), "-m", "pip", "install", "--quiet", f"{build_dir}[hub]"],
             f"installing trainingkit into {layout.venv}")
    finally:
        shutil.rmtree(build_dir, ignore_errors=True)
    _run([str(layout.bin("python")), "-m", "pip", "uninstall", "--yes", "--quiet", *UNUSED_SLOW_PACKAGES],
         f"removing {', '.join(UNUSED_SLOW_PACKAGES)} from {layout.venv}")
    overrides = layout.venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    merged: dict[str, dict] = {}
    for name, values in LAB_SETTINGS.items():  # ".../apputils-extension/notification.jupyterlab-settings"
        merged[":".join(name.removesuffix(".jupyterlab-settings").rsplit("/", 1))] = values
    write_if_changed(overrides, json.dumps(merged, indent=1).encode())
    for old in layout.venv.glob(".trainingkit-*"):
        old.unlink()
    stamp.touch()


def _chown_tree(path: Path, user: str) -> None:
    entry = pwd.getpwnam(user)
    os.chown(path, entry.pw_uid, entry.pw_gid, follow_symlinks=False)
    for root, folders, files in os.walk(path):
        for name in folders + files:
            os.chown(os.path.join(root, name), entry.pw_uid, entry.pw_gid, follow_symlinks=False)


def grader_environment(layout: HubLayout, db_url: str | None = None) -> dict[str, str]:
    """What the grader's commands and the formgrader service run with.

    ``db_url`` (the gradebook, when not the course's SQLite file) goes into the environment
    only: a process's environment is readable by its owner alone, its command line by all.
    """
    home = accounts.home_of(layout.grader)
    env = {"HOME": str(home), "USER": layout.grader, "LOGNAME": layout.grader,
           "PATH": f"{layout.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
           "TRAININGKIT_ROOT": str(layout.course.root),
           "JUPYTER_CONFIG_DIR": str(layout.role_config("grader")),
           "JUPYTERLAB_SETTINGS_DIR": str(home / ".jupyter" / "lab" / "user-settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / ".jupyter" / "lab" / "workspaces"),
           "JUPYTER_RUNTIME_DIR": str(runtime_dir(home)),
           "LANG": "C.UTF-8",
           "TRAININGKIT_RESULTS": str(layout.results_register),
           "TRAININGKIT_REVIEW_WINDOWS": str(layout.review_windows)}
    if db_url:
        env["TRAININGKIT_DB_URL"] = db_url
    return env


def ensure_course(layout: HubLayout, project: Course, db_url: str | None = None) -> list[str]:
    """The grader's copy of the course, built and released; returns the assignments released."""
    course = layout.course
    course.coursework.mkdir(parents=True, exist_ok=True)
    os.chmod(course.root, 0o700)
    for name in INSTRUCTOR_FILES:
        if name != "nbgrader_config.py" and (project.coursework / name).exists():
            shutil.copy2(project.coursework / name, course.coursework / name)
    write_if_changed(course.coursework / "nbgrader_config.py", SHARED_CONFIG.encode())
    for folder in COURSE_FOLDERS:
        shutil.rmtree(course.coursework / folder, ignore_errors=True)
        shutil.copytree(project.coursework / folder, course.coursework / folder)
    for folder in NOTEBOOK_FOLDERS:  # the notebooks only: never a log or report lying beside them
        (course.notebooks_dir / folder).mkdir(parents=True, exist_ok=True)
        for notebook in (project.notebooks_dir / folder).glob("*.ipynb"):
            shutil.copy2(notebook, course.notebooks_dir / folder / notebook.name)
    CourseStore(course.course_store).create()
    old_exchange = layout.prefix / "exchange"  # the shared folder of earlier deployments: kept, made private
    if old_exchange.is_dir() and not old_exchange.is_symlink():
        os.chmod(old_exchange, 0o700)
        os.rename(old_exchange, course.root / "old-exchange")
    _chown_tree(course.root, layout.grader)
    env = grader_environment(layout, db_url)
    _run([str(layout.bin("trainingkit")), "build"], "building the course as the grader",
         user=layout.grader, env=env, cwd=course.root)
    released = []
    for source in sorted(p.name for p in course.source_dir.iterdir() if p.is_dir()):
        _run([str(layout.bin("nbgrader")), "release_assignment", source, "--force"],
             f"releasing {source}", user=layout.grader, env=env, cwd=course.coursework)
        released.append(source)
    return released


def ensure_students(layout: HubLayout, members: Sequence[Member], db_url: str | None = None) -> None:
    """The roster's trainees in the gradebook by their roster names and emails, with nbgrader's own
    ``nbgrader db student import`` run as the grader (the formgrader showed "None, None" before)."""
    roster = io.StringIO()  # the course's copy of the roster: who has a coach id (trainingkit.exam.results)
    csv.writer(roster, lineterminator="\n").writerows(
        [["username", "role", "name", "coach_id", "email"],
         *([m.username, m.role.value, m.name, m.coach_id, m.email] for m in members)])
    write_atomically(layout.course.roster_file, roster.getvalue())
    _chown_tree(layout.course.roster_file, layout.grader)
    trainees = [member for member in members if member.role is Role.TRAINEE]
    if not trainees:
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "first_name", "last_name", "email"])
    writer.writerows([member.username, *member.first_and_last_name, member.email] for member in trainees)
    students = layout.course.root / "students.csv"
    write_atomically(students, buffer.getvalue())
    _chown_tree(students, layout.grader)
    _run([str(layout.bin("nbgrader")), "db", "student", "import", str(students)], "adding the roster's trainees "
         "to the gradebook", user=layout.grader, env=grader_environment(layout, db_url), cwd=layout.course.coursework)


# --- the office's results register (issue 20, part 4) ---
def ensure_office_folder(layout: HubLayout, members: Sequence[Member]) -> None:
    """``PREFIX/office``: the grader's, group GRADER-office (the roster's office accounts), 2750, so
    the office reads the results register the grader appends to and trainees cannot open it."""
    accounts.ensure_group(layout.office_group, [m.username for m in members if m.role is Role.OFFICE])
    folder = layout.office_dir
    folder.mkdir(exist_ok=True)
    grader, group = pwd.getpwnam(layout.grader).pw_uid, grp.getgrnam(layout.office_group).gr_gid
    os.chown(folder, grader, group, follow_symlinks=False)
    os.chmod(folder, 0o2750)
    register = layout.results_register
    if register.exists() and not register.is_symlink():
        os.chown(register, grader, group, follow_symlinks=False)
        os.chmod(register, 0o640)
    forms = layout.course.forms_file  # the cut scores the office's certificates are signed against
    if forms.is_file() and not forms.is_symlink():
        write_atomically(layout.office_forms, forms.read_text(encoding="utf-8"))
        os.chown(layout.office_forms, grader, group, follow_symlinks=False)
        os.chmod(layout.office_forms, 0o640)
# --- end of the office's results register ---


def ensure_windows_folder(layout: HubLayout) -> None:
    """``PREFIX/windows``: the grader's, group GRADER-office, 2770, so the office publishes its list of open
    renewal windows there (0644) and the grader reads it, while trainees cannot enter (issue 20)."""
    folder = layout.windows_dir
    folder.mkdir(exist_ok=True)
    os.chown(folder, pwd.getpwnam(layout.grader).pw_uid, grp.getgrnam(layout.office_group).gr_gid,
             follow_symlinks=False)
    os.chmod(folder, 0o2770)


def ensure_published_folder(layout: HubLayout) -> None:
    """``PREFIX/published``: root's, group GRADER-office, 2775, so the office publishes its issuer
    profile, status list and credentials there and everyone on the machine can verify a code."""
    folder = layout.published_dir
    folder.mkdir(exist_ok=True)
    os.chown(folder, 0, grp.getgrnam(layout.office_group).gr_gid, follow_symlinks=False)
    os.chmod(folder, 0o2775)


def ensure_role_configs(layout: HubLayout) -> None:
    for role, view in VIEWS.items():
        write_role_config(layout.role_config(role.value), view, course_id=layout.course_id)
    write_role_config(layout.role_config("grader"), GRADER_VIEW, course_id=layout.course_id)


def deploy(*, layout: HubLayout, project: Course, members: Sequence[Member], db_url: str | None = None,
           python: Path = DEFAULT_PYTHON, home_base: Path = Path("/home"),
           say: Callable[[str], None] = lambda line: None) -> list[accounts.NewAccount]:
    """Every step above; returns the accounts made now, with first passwords to show once (kept nowhere).

    ``db_url`` is the gradebook when it is not the course's SQLite file (``coursework/gradebook.db``);
    ``say`` is told what each step is doing as it starts (``trainingkit hub`` prints it).
    """
    if refused := checkout.refusal(project):  # before anything is made: the keys would be readable
        raise DeployError(refused)
    if os.geteuid() != 0:
        raise DeployError("the hub needs root: it makes accounts and runs each person's server as them")
    layout.prefix.mkdir(parents=True, exist_ok=True)
    os.chmod(layout.prefix, 0o755)
    layout.hub_dir.mkdir(exist_ok=True)
    os.chmod(layout.hub_dir, 0o700)
    if not accounts.exists(layout.grader):
        say(f"Making the course's grader account, {layout.grader}")
        accounts.create(layout.grader, "trainingkit course grader", home_base=home_base)
    if not (layout.venv / f".trainingkit-{project_fingerprint(project.root)}").exists():
        say(f"Installing trainingkit into {layout.venv} (a minute or two, the first time and after each change)")
    ensure_venv(layout, project.root, python)
    ensure_role_configs(layout)
    say(f"Building and releasing the course in {layout.course.root}, as {layout.grader}")
    ensure_course(layout, project, db_url)
    say(f"Adding the roster's {sum(m.role is Role.TRAINEE for m in members)} trainees to the gradebook")
    ensure_students(layout, members, db_url)
    say(f"Checking the roster's {len(members)} accounts")
    made = accounts.ensure_accounts(members, home_base=home_base)
    ensure_office_folder(layout, members)
    ensure_windows_folder(layout)
    ensure_published_folder(layout)
    return made
