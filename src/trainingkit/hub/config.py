"""JupyterHub's configuration for the course, applied from ``PREFIX/hub/jupyterhub_config.py``.

* People log in with their OS account's password (PAM); only the roster's accounts may.
* Everyone's server and kernels run as their own account (LocalProcessSpawner), in their
  own home, with their role's Jupyter configuration (:mod:`trainingkit.hub.roles`);
  trainees and supervisors get their own copy of the lessons and open on lesson 00; the
  office gets ``~/renewals`` (its notebook and event log) and opens on the notebook.
* The course's formgrader is a hub service running as the grader account in the course's
  ``coursework/``; only the ``formgrade-COURSE`` group (the supervisors) may reach it.
* The course service (:mod:`trainingkit.exchange.service`, also the grader's) is the only
  way assignments, submissions and feedback travel. Trainees' and supervisors' servers get
  a hub token that may call it (``access:services!service=course``), and its address;
  the office's do not. Nothing crosses through a shared folder.
* Kernels talk to their server over Unix sockets in their owner's private runtime folder,
  never over TCP ports on 127.0.0.1, which any account could connect to and listen on
  (:data:`trainingkit.hub.roles.KERNELS_OVER_SOCKETS`).
* Idle servers are stopped after an hour (``--idle-timeout``) by jupyterhub-idle-culler;
  answers are saved as they are given, so stopping a server loses nothing.
* The proxy (:mod:`trainingkit.hub.proxy`, PyPI's configurable-http-proxy passing a
  websocket's subprotocol back) waits up to two minutes for a person's server to answer: on
  a busy machine a kernel's first connection or an nbgrader command can take longer than its
  20 s default.
* People change while the class runs (:mod:`trainingkit.hub.enrol`): the roster in force is read
  at each spawn, and the ``people`` service's token lets `trainingkit roster` add, disable and
  remove hub users without a restart. Each person changes their own password on the
  ``password`` service's page (:mod:`trainingkit.hub.change_password`).
* Lessons stay current: each spawn brings a person's ``~/lessons`` (and the office's renewals
  notebook) up to date with the course's build (:mod:`trainingkit.hub.fresh_lessons`), answers
  kept and a changed copy set aside.
"""

from __future__ import annotations

import asyncio
import json
import os
import pwd
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from trainingkit.hub.layout import DEFAULT_IDLE_TIMEOUT, HubLayout
from trainingkit.hub.limits import DEFAULT_MEMORY_LIMIT, DEFAULT_PROCESS_LIMIT, configure_limits
from trainingkit.hub.roles import KERNELS_OVER_SOCKETS, VIEWS, Workspace, runtime_dir
from trainingkit.hub.roster import Member, Role, read_roster

PROXY_TIMEOUT_MS = 120_000


@dataclass(frozen=True)
class HubSettings:
    """What one hub run needs beyond the layout: where it listens, who is on the roster, and
    the gradebook's URL when it is not the course's SQLite file.

    ``db_url`` may hold a database password: the file is kept in ``PREFIX/hub`` (root's,
    0700) and written 0600, and the URL reaches only the grader's processes, through their
    environment (never a command line or a file anyone else can read).
    """

    prefix: str
    grader: str
    roster: str
    ip: str
    port: int
    hub_port: int
    proxy_api_port: int
    service_port: int
    idle_timeout: int = DEFAULT_IDLE_TIMEOUT
    db_url: str | None = None
    course_service_port: int = 0
    #: Limits per person (trainingkit.hub.limits), bytes and processes; None: no limits (--no-limits).
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT
    process_limit: int | None = DEFAULT_PROCESS_LIMIT
    #: Where the "change your password" service listens (0 in settings written before it existed).
    password_service_port: int = 0

    @property
    def layout(self) -> HubLayout:
        return HubLayout(Path(self.prefix), self.grader)

    def write(self, path: Path) -> None:
        from trainingkit.files import write_atomically

        write_atomically(path, json.dumps(asdict(self), indent=1) + "\n")

    @classmethod
    def read(cls, path: Path) -> "HubSettings":
        return cls(**json.loads(path.read_text()))


def copy_workspace(source: Path, home: Path, owner: str, workspace: Workspace) -> list[str]:
    """Give a person their own ``~/FOLDER`` of ``workspace``; return the names added to it.

    The folder is made 0700 if missing; each notebook of ``source`` and each blank file is
    added only if the folder has nothing of that name, so a person's saved notebook or
    event log is never replaced here (a workspace ``kept_current`` then has its notebooks
    brought up to date as the person: :mod:`trainingkit.hub.fresh_lessons`). This runs as root
    in a folder the person owns, so nothing is followed through a link: the folder is opened without following one (a link there
    is left alone) and each file is created new (``O_EXCL``), private (0600), as theirs.
    """
    entry = pwd.getpwnam(owner)
    home_fd = os.open(home, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        try:
            os.mkdir(workspace.folder, 0o700, dir_fd=home_fd)
            made = True
        except FileExistsError:
            made = False
        try:
            folder_fd = os.open(workspace.folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=home_fd)
        except OSError:  # a link or a file of that name: theirs to sort out
            return []
    finally:
        os.close(home_fd)
    try:
        if made:
            os.fchmod(folder_fd, 0o700)
            os.fchown(folder_fd, entry.pw_uid, entry.pw_gid)
        contents = [(path.name, path.read_bytes()) for path in sorted(source.glob(workspace.notebooks))]
        contents += [(name, text.encode()) for name, text in workspace.blank_files]
        return [name for name, data in contents if _add_file(folder_fd, name, data, entry)]
    finally:
        os.close(folder_fd)


def _add_file(folder_fd: int, name: str, data: bytes, owner: pwd.struct_passwd) -> bool:
    """Create ``name`` in the open folder with ``data``, owned by ``owner``, unless it exists."""
    try:
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=folder_fd)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as handle:
        os.fchown(handle.fileno(), owner.pw_uid, owner.pw_gid)
        handle.write(data)
    return True


class NotOnRoster(RuntimeError):
    """A person the roster in force does not hold, or holds as disabled, may start no server."""


def role_in_force(layout: HubLayout, name: str) -> Role:
    """``name``'s role on the roster in force (as `trainingkit roster` left it), read at each spawn."""
    from trainingkit.hub.enrol import read_disabled

    if name in read_disabled(layout.disabled_file):
        raise NotOnRoster(f"{name} is disabled on this course's hub")
    for member in read_roster(layout.roster_file, reserved=frozenset({"root", layout.grader})):
        if member.username == name:
            return member.role
    raise NotOnRoster(f"{name} is not on this course's roster")


def pre_spawn(spawner: Any, *, layout: HubLayout, course_service_url: str) -> None:
    """Set one person's server up as their role has it, just before it starts."""
    from trainingkit.hub.fresh_lessons import refresh_workspace

    name = spawner.user.name
    role = role_in_force(layout, name)
    view = VIEWS[role]
    home = Path(pwd.getpwnam(name).pw_dir)
    os.chmod(home, 0o700)
    workspace = view.workspace
    if workspace is not None and (workspace.blank_files or not workspace.kept_current):
        # as root: the folder (0700) and each file it lacks, such as the office's log; none replaced
        copy_workspace(layout.course.notebooks_dir / workspace.source, home, name, workspace)
    if workspace is not None and workspace.kept_current:
        refresh_workspace(layout, name, workspace)  # as them: answers kept, a copy they changed set aside
    spawner.default_url = view.default_url
    spawner.environment.update({
        "JUPYTER_CONFIG_DIR": str(layout.role_config(role.value)),
        "JUPYTERLAB_SETTINGS_DIR": str(home / ".jupyter" / "lab" / "user-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / ".jupyter" / "lab" / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(runtime_dir(home)),  # the kernels' sockets (KERNELS_OVER_SOCKETS)
        "TRAININGKIT_COURSE_SERVICE_URL": course_service_url,
        "PATH": f"{layout.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "TRAININGKIT_PUBLISHED": str(layout.published_dir),  # `trainingkit certificate verify CODE`
    })
    if role is Role.OFFICE:  # the results register its notebook and `trainingkit renewal` read
        spawner.environment["TRAININGKIT_RESULTS"] = str(layout.results_register)
        # its private certification folder, and the cut scores it issues against (no course here)
        spawner.environment["TRAININGKIT_OFFICE"] = str(home / ".trainingkit" / "office")
        spawner.environment["TRAININGKIT_FORMS"] = str(layout.office_forms)
        spawner.environment["TRAININGKIT_REVIEW_WINDOWS"] = str(layout.review_windows)  # `renewal windows`


def configure_hub(c: Any, settings: HubSettings) -> None:
    """Set every JupyterHub option the course relies on."""
    from trainingkit.hub.deploy import grader_environment

    layout = settings.layout
    from trainingkit.hub.enrol import PEOPLE_SCOPES, read_disabled

    members: tuple[Member, ...] = read_roster(settings.roster)
    disabled = read_disabled(layout.disabled_file)
    roles = {member.username: member.role for member in members if member.username not in disabled}
    by_role = {role: sorted(name for name, r in roles.items() if r is role) for role in Role}

    c.JupyterHub.bind_url = f"http://{settings.ip}:{settings.port}"
    c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{settings.hub_port}"
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.proxy_api_port}"
    c.ConfigurableHTTPProxy.command = [str(layout.bin("python")), "-m", "trainingkit.hub.proxy",
                                       f"--proxy-timeout={PROXY_TIMEOUT_MS}"]
    c.JupyterHub.db_url = f"sqlite:///{layout.hub_dir / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(layout.hub_dir / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(layout.hub_dir / "jupyterhub.pid")
    c.JupyterHub.cleanup_servers = True

    c.JupyterHub.authenticator_class = "trainingkit.hub.login.LimitedPAMAuthenticator"  # PAM, five tries a quarter
    c.PAMAuthenticator.open_sessions = False
    c.Authenticator.allowed_users = set(roles)
    c.Authenticator.admin_users = set()

    c.JupyterHub.spawner_class = "localprocess"
    configure_limits(c, settings.memory_limit, settings.process_limit)  # each server in a cgroup of its own
    c.Spawner.cmd = [str(layout.bin("jupyterhub-singleuser"))]
    c.Spawner.args = [KERNELS_OVER_SOCKETS]  # no kernel port a classmate could listen to
    c.Spawner.notebook_dir = "~"
    c.Spawner.http_timeout = 60
    c.Spawner.start_timeout = 90
    course_service_url = f"http://127.0.0.1:{settings.course_service_port}{layout.course_service_prefix}"
    # in a thread: bringing lessons up to date runs a process as the person, and the hub's one
    # event loop must keep serving everyone else while thirty servers start at once
    c.Spawner.pre_spawn_hook = lambda spawner: asyncio.to_thread(pre_spawn, spawner, layout=layout,
                                                                 course_service_url=course_service_url)
    # a server's own token may call the course service if its owner may (the members' role below)
    c.Spawner.server_token_scopes = ["users:activity!user", "access:servers!server",
                                     f"access:services!service={layout.course_service}"]

    c.JupyterHub.load_groups = {
        layout.formgrade_group: {"users": by_role[Role.SUPERVISOR]},
        **{f"{role.value}s" if role is not Role.OFFICE else "office": {"users": users}
           for role, users in by_role.items()},
    }
    c.JupyterHub.load_roles = [
        {"name": layout.formgrade_group, "groups": [layout.formgrade_group],
         "scopes": [f"access:services!service={layout.course_id}"]},
        {"name": "course-members", "groups": ["trainees", "supervisors"],
         "scopes": [f"access:services!service={layout.course_service}"]},
        {"name": layout.people_service, "services": [layout.people_service], "scopes": list(PEOPLE_SCOPES)},
        {"name": "password-page", "groups": ["trainees", "supervisors", "office"],
         "scopes": [f"access:services!service={layout.password_service}"]},
        {"name": "idle-culler", "services": ["idle-culler"],
         "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]},
    ]
    c.JupyterHub.services = [
        {"name": layout.course_id, "url": f"http://127.0.0.1:{settings.service_port}",
         # the course's root in the file browser (the dashboard in notebooks/supervisor, coursework/);
         # nbgrader reads its configuration from the working folder, coursework/
         "command": [str(layout.bin("jupyterhub-singleuser")), f"--ServerApp.root_dir={layout.course.root}",
                     KERNELS_OVER_SOCKETS],
         "user": layout.grader,
         "cwd": str(layout.course.coursework), "oauth_no_confirm": True,
         "environment": {**grader_environment(layout, settings.db_url), "JUPYTERHUB_DEFAULT_URL": "/formgrader"}},
        {"name": layout.course_service, "url": f"http://127.0.0.1:{settings.course_service_port}",
         "command": [str(layout.bin("python")), "-m", "trainingkit.exchange.service"],
         "user": layout.grader, "cwd": str(layout.course.root), "oauth_no_confirm": True,
         "environment": grader_environment(layout)},  # no gradebook URL: the service never needs it
        {"name": layout.password_service, "url": f"http://127.0.0.1:{settings.password_service_port}",
         "command": [str(layout.bin("python")), "-m", "trainingkit.hub.change_password"],  # as root: chpasswd
         "oauth_no_confirm": True, "display": True},
        {"name": "idle-culler",
         "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={settings.idle_timeout}"]},
    ]
    if layout.people_token_file.exists():  # `trainingkit roster`: no URL, no process; only its token (root's)
        c.JupyterHub.services.append({"name": layout.people_service, "display": False,
                                      "api_token": layout.people_token_file.read_text().strip()})
