"""A class on a real hub, and a person using it over HTTP as a browser would.

Used by the hub tests and ``benchmarks/hub.py``. :func:`running_hub` starts
``trainingkit hub`` for a roster of accounts unique to the run, under ``/var/tmp``, and
removes every account, process and folder it made when it ends. Code runs in a person's
own kernel through the server's REST and websocket API, exactly as JupyterLab sends it.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import requests

from trainingkit.hub import accounts
from trainingkit.hub.layout import HubLayout

PROJECT = Path(__file__).resolve().parents[2]
T = TypeVar("T")
#: JupyterLab's binary kernel websocket protocol, which it asks every server for.
KERNEL_PROTOCOL = "v1.kernel.websocket.jupyter.org"
#: What a busy hub or proxy answers for "try again later".
BUSY = frozenset({429, 502, 503, 504})
#: The hub's interpreter: one every account can run (pyenv's lives under /root).
HUB_PYTHON = Path("/usr/bin/python3.11")


def unavailable() -> str:
    """Why a real hub cannot run here, or "" when it can."""
    if os.geteuid() != 0:
        return "the hub tests make OS accounts and need root (CI runs them as root)"
    if shutil.which("useradd") is None:
        return "the hub tests need useradd (Debian's passwd package)"
    if not HUB_PYTHON.exists():
        return f"the hub tests need Debian's {HUB_PYTHON} (apt-get install -y python3.11-venv)"
    return ""


def patiently(attempt: Callable[[], T], *, again: tuple[type[BaseException], ...], patience: float) -> T:
    """``attempt()``, tried again after a growing pause (0.5 s, doubling up to 8 s) while it raises
    one of ``again``, for up to ``patience`` seconds; after that its error is raised."""
    deadline = time.monotonic() + patience
    pause = 0.5
    while True:
        try:
            return attempt()
        except again:
            if time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 8)


class _Busy(Exception):
    """A "try again later" answer, kept so that the last one can be returned."""

    def __init__(self, response: requests.Response) -> None:
        super().__init__(response.status_code)
        self.response = response


@dataclass
class HubUser:
    """One person's session with the hub at ``url``."""

    url: str
    name: str
    session: requests.Session = field(default_factory=requests.Session)
    token: str = ""

    def __post_init__(self) -> None:
        self.session.trust_env = False  # never through a proxy

    def _patiently(self, method: str, url: str, patience: float = 60, **kwargs: Any) -> requests.Response:
        """One request, tried again while a busy hub or proxy answers "try again later"
        (429, 502, 503, 504) or not at all, for up to ``patience`` seconds, as a person reloads
        the page; then its last answer."""
        def attempt() -> requests.Response:
            response = self.session.request(method, url, timeout=60, **kwargs)
            if response.status_code in BUSY:
                raise _Busy(response)
            return response

        try:
            return patiently(attempt, again=(_Busy, requests.ConnectionError, requests.Timeout), patience=patience)
        except _Busy as busy:
            return busy.response

    def login(self, password: str) -> requests.Response:
        """Log in through the hub's login form; returns the final response."""
        self._patiently("GET", f"{self.url}/hub/login")
        xsrf = self.session.cookies.get("_xsrf", "")
        return self._patiently("POST", f"{self.url}/hub/login?next=", allow_redirects=False,
                               data={"username": self.name, "password": password, "_xsrf": xsrf})

    def make_token(self) -> str:
        xsrf = self.session.cookies.get("_xsrf", "")
        response = self._patiently("POST", f"{self.url}/hub/api/users/{self.name}/tokens",
                                   headers={"X-XSRFToken": xsrf}, json={"note": "test", "expires_in": 3600})
        response.raise_for_status()
        self.token = response.json()["token"]
        return self.token

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}

    def start_server(self, timeout: float = 120) -> float:
        """Start this person's server and wait until it is ready; returns the seconds it took.

        Waits as the browser's spawn page does: on the hub's progress event stream, which
        tells when the server is ready, rather than asking again and again.
        """
        start = time.monotonic()
        response = self._patiently("POST", f"{self.url}/hub/api/users/{self.name}/server", headers=self.headers,
                                   patience=timeout)
        if response.status_code not in (201, 202, 400):  # 400: already running
            response.raise_for_status()
        while time.monotonic() - start < timeout:
            if self._server_ready(timeout - (time.monotonic() - start)):
                return time.monotonic() - start
            time.sleep(0.5)  # the stream broke off (a busy proxy): listen again
        raise TimeoutError(f"{self.name}'s server was not ready within {timeout} s")

    def _server_ready(self, timeout: float) -> bool:
        """Follow the spawn's progress events until it is ready (True) or the stream ends."""
        try:
            with requests.get(f"{self.url}/hub/api/users/{self.name}/server/progress", headers=self.headers,
                              stream=True, timeout=(10, max(timeout, 1))) as events:
                if events.status_code != 200:
                    return False
                for line in events.iter_lines(decode_unicode=True):
                    if line and line.startswith("data:"):
                        event = json.loads(line[len("data:"):])
                        if event.get("failed"):
                            raise RuntimeError(f"{self.name}'s server failed to start: {event.get('message')}")
                        if event.get("ready"):
                            return True
        except (requests.ConnectionError, requests.Timeout):
            return False
        return False

    @property
    def server(self) -> str:
        """Where this person's own server lives on the hub."""
        return f"/user/{self.name}/"

    def api(self, method: str, path: str, *, on: str | None = None, **kwargs) -> requests.Response:
        """A request to the Jupyter server API of this person's server, or of the server at ``on``
        (a hub service such as ``/services/COURSE/``), with their token; tried again while busy."""
        return self._patiently(method, f"{self.url}{on or self.server}api/{path}", headers=self.headers, **kwargs)

    def server_page(self, method: str, path: str, **kwargs) -> requests.Response:
        """A request to a page or handler of this person's server outside its REST API (such as
        nbgrader's ``assignments/submit``, which the Assignments panel calls), with their token."""
        return self._patiently(method, f"{self.url}{self.server}{path}", headers=self.headers, **kwargs)

    def kernel(self, on: str | None = None) -> "Kernel":
        """A new kernel in this person's server, or in the server at ``on``."""
        response = self.api("POST", "kernels", on=on, json={"name": "python3"})
        response.raise_for_status()
        return Kernel(self, response.json()["id"], on or self.server)

    def nbgrader(self, *args: str) -> tuple[int, str]:
        """Run ``nbgrader ARGS`` in this person's home, from their own kernel; its exit code and output."""
        printed, error = self.kernel().run(
            "import json, os, subprocess\n"
            f"r = subprocess.run(['nbgrader', *{list(args)!r}], capture_output=True, text=True, "
            "cwd=os.path.expanduser('~'))\nprint(json.dumps([r.returncode, r.stdout + r.stderr]))", timeout=180)
        assert error == "", error
        code, output = json.loads(printed.strip().splitlines()[-1])
        return code, output

    def terminal(self, command: str, *, on: str | None = None, timeout: float = 60) -> str:
        """Type ``command`` into a new JupyterLab terminal of this person's server (or of the server
        at ``on``) as a person would, and return what the terminal showed until it printed a marker."""
        import websocket

        response = self.api("POST", "terminals", on=on)
        response.raise_for_status()
        name = response.json()["name"]
        address = self.url.replace("http://", "ws://")
        socket = websocket.create_connection(f"{address}{on or self.server}terminals/websocket/{name}",
                                             header=[f"Authorization: token {self.token}"], timeout=timeout)
        marker = uuid.uuid4().hex[:12]
        shown = []
        try:
            socket.send(json.dumps(["stdin", f"{command}; echo {marker[:6]}''{marker[6:]}\r"]))
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and marker not in "".join(shown):
                kind, *rest = json.loads(socket.recv())
                if kind == "stdout":
                    shown.append(rest[0])
        finally:
            socket.close()
            self.api("DELETE", f"terminals/{name}", on=on)
        text = "".join(shown)
        if marker not in text:
            raise TimeoutError(f"{self.name}'s terminal did not finish {command!r} within {timeout} s:\n{text[-2000:]}")
        return text


@dataclass
class Kernel:
    """A kernel in a server on the hub (``server``: its path), driven over the websocket JupyterLab uses."""

    user: HubUser
    id: str
    server: str

    def run(self, code: str, timeout: float = 60) -> tuple[str, str]:
        """Run ``code`` over a connection of its own; returns what it printed and the error it raised."""
        with self.channel(timeout) as channel:
            return channel.run(code, timeout)

    @contextmanager
    def channel(self, timeout: float = 60, protocol: str = KERNEL_PROTOCOL) -> Iterator["Channel"]:
        """One websocket to the kernel, kept open as JupyterLab keeps it for a notebook, asking
        for JupyterLab's binary ``protocol`` ("" for the JSON one).

        A busy hub may refuse a handshake for a while (a 5xx from the proxy while the kernel
        is still starting): it is tried again, as JupyterLab reconnects, for up to twice
        ``timeout``.
        """
        import websocket

        address = self.user.url.replace("http://", "ws://")
        socket = patiently(lambda: websocket.create_connection(
            f"{address}{self.server}api/kernels/{self.id}/channels",
            header=[f"Authorization: token {self.user.token}"], timeout=timeout,
            subprotocols=[protocol] if protocol else None),
            again=(websocket.WebSocketBadStatusException, ConnectionError), patience=2 * timeout)
        try:
            yield Channel(self.user.name, socket, socket.getsubprotocol() or "")
        finally:
            socket.close()


@dataclass
class Channel:
    """An open websocket to one kernel, speaking ``protocol`` (JupyterLab's binary one, or "": JSON)."""

    owner: str
    socket: Any
    protocol: str = ""

    def _send(self, message: dict[str, Any]) -> None:
        if self.protocol == KERNEL_PROTOCOL:
            from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

            parts = [json.dumps(message[part]).encode() for part in ("header", "parent_header", "metadata", "content")]
            self.socket.send_binary(serialize_msg_to_ws_v1(parts, message["channel"]))
        else:
            self.socket.send(json.dumps(message))

    def _receive(self) -> dict[str, Any]:
        data = self.socket.recv()
        if isinstance(data, str):
            return json.loads(data)
        from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1

        channel, parts = deserialize_msg_from_ws_v1(data)
        header, parent_header, _, content = (json.loads(part) for part in parts[:4])
        return {"channel": channel, "header": header, "msg_type": header["msg_type"],
                "parent_header": parent_header, "content": content}

    def run(self, code: str, timeout: float = 60) -> tuple[str, str]:
        """Run ``code``; returns what it printed and the error it raised (name: value), if any."""
        return self._request("execute_request", {
            "code": code, "silent": False, "store_history": False, "user_expressions": {}, "allow_stdin": False,
            "stop_on_error": True}, timeout)

    def click(self, comm_id: str, state: dict[str, Any], timeout: float = 60) -> tuple[str, str]:
        """Change a widget's ``state`` as a click in JupyterLab does (an ipywidgets ``update`` on the
        widget's comm), and wait until the kernel has handled it (its observers ran: an answer saved)."""
        return self._request("comm_msg", {
            "comm_id": comm_id, "data": {"method": "update", "state": state, "buffer_paths": []}}, timeout)

    def _request(self, kind: str, content: dict[str, Any], timeout: float) -> tuple[str, str]:
        """Send one shell message; wait for the kernel to be idle after it. Returns what it printed
        and the error it raised (name: value), if any."""
        msg_id = uuid.uuid4().hex
        self._send({
            "header": {"msg_id": msg_id, "username": self.owner, "session": uuid.uuid4().hex,
                       "msg_type": kind, "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "content": content})
        printed, error = [], ""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self._receive()
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = message["msg_type"]
            if kind == "stream":
                printed.append(message["content"]["text"])
            elif kind == "error":
                error = f"{message['content']['ename']}: {message['content']['evalue']}"
            elif kind == "status" and message["content"]["execution_state"] == "idle":
                return "".join(printed), error
        raise TimeoutError(f"no answer from {self.owner}'s kernel within {timeout} s")


@dataclass
class Hub:
    """A running hub: its address, layout, roster, first passwords and gradebook (None: SQLite)."""

    url: str
    layout: HubLayout
    passwords: dict[str, str]
    roster: dict[str, str]
    process: subprocess.Popen
    log: Path
    db_url: str | None = None

    def names(self, role: str) -> list[str]:
        return sorted(name for name, r in self.roster.items() if r == role)

    def user(self, role: str, number: int = 1) -> HubUser:
        """The ``number``-th person of ``role``, logged in with their first password."""
        name = self.names(role)[number - 1]
        person = HubUser(self.url, name)
        assert person.login(self.passwords[name]).status_code == 302, f"{name} could not log in"
        return person

    def as_grader(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a command as the course's grader account, in coursework/, on the gradebook the hub kept."""
        from trainingkit.hub.config import HubSettings
        from trainingkit.hub.deploy import grader_environment

        env = grader_environment(self.layout, HubSettings.read(self.layout.settings_file).db_url)
        return subprocess.run(list(args), cwd=self.layout.course.coursework, env=env,
                              user=self.layout.grader, group=pwd.getpwnam(self.layout.grader).pw_gid,
                              extra_groups=[], capture_output=True, text=True, timeout=300)


def roster_of(tag: str, **counts: int) -> dict[str, str]:
    """``{username: role}`` with ``counts[role]`` people per role, named ``TAG-r1``, ``TAG-r2``..."""
    return {f"{tag}-{role[0]}{n}": role for role, count in counts.items() for n in range(1, count + 1)}


@contextmanager
def running_hub(roster: dict[str, str], workdir: Path, *, tag: str | None = None,
                options: tuple[str, ...] = (), db_url: str | None = None,
                coaches: dict[str, str] | None = None) -> Iterator[Hub]:
    """`trainingkit hub` for ``roster`` on a random port (with more ``options``); everything it made is removed after.

    ``db_url`` is given to it as TRAININGKIT_DB_URL (the gradebook); without it, SQLite. ``coaches``
    gives some trainees a coach id (``{username: coach_id}``).
    """
    from trainingkit.hub.run import free_port

    tag = tag or f"tk{secrets.token_hex(3)}"
    roster_file = workdir / "roster.csv"
    if coaches:
        roster_file.write_text("username,role,name,coach_id\n" + "".join(
            f"{n},{r},Test {r} {n},{coaches.get(n, '')}\n" for n, r in roster.items()))
    else:
        roster_file.write_text("username,role,name\n" + "".join(f"{n},{r},Test {r} {n}\n" for n, r in roster.items()))
    layout = HubLayout(Path("/var/tmp") / f"trainingkit-{tag}", f"{tag}-grader")
    port = free_port()
    log = workdir / "hub.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRAININGKIT_", "JUPYTER"))}
    if db_url:
        env["TRAININGKIT_DB_URL"] = db_url
    command = [str(Path(sys.executable).parent / "trainingkit"), "hub", "--roster", str(roster_file),
               "--prefix", str(layout.prefix), "--grader", layout.grader, "--port", str(port),
               "--course", str(private_checkout(workdir / "checkout")), *options]
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"trainingkit hub exited with {process.returncode}:\n{log.read_text()[-4000:]}")
            try:
                if requests.get(f"{url}/hub/api/", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the hub did not answer within 600 s:\n{log.read_text()[-4000:]}")
            time.sleep(0.5)
        passwords = first_passwords(log.read_text())
        yield Hub(url, layout, passwords, roster, process, log, db_url)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        for user in [*roster, layout.grader]:
            subprocess.run(["pkill", "-KILL", "-u", user], capture_output=True)
        subprocess.run(["pkill", "-KILL", "-f", str(layout.prefix)], capture_output=True)
        time.sleep(0.5)
        _remove_cgroups(roster)
        for user in [*roster, layout.grader]:
            accounts.remove(user)
        subprocess.run(["groupdel", layout.office_group], capture_output=True)  # if the deploy made it
        shutil.rmtree(layout.prefix, ignore_errors=True)
        shutil.rmtree(workdir / "checkout", ignore_errors=True)


def first_passwords(printed: str) -> dict[str, str]:
    """The first passwords `trainingkit hub` showed on its console (the only place they are)."""
    import re

    from trainingkit.hub.run import FIRST_PASSWORD_LINE

    pattern = re.escape(FIRST_PASSWORD_LINE).replace(r"\{username\}", r"(\S+)").replace(r"\{password\}", r"(\S+)")
    return dict(re.findall(pattern, printed))


#: What a hub deploys from: the project without its history, environments and work in progress.
NOT_DEPLOYED = (".git", ".venv", "node_modules", ".cache", "__pycache__", "*.egg-info", "test-artifacts", ".exchange",
                ".jupyter", ".lab-home", "workbook", "trauma-recovery-coaching", "release", "submitted",
                "autograded", "feedback", "gradebook.db", ".certificate-secret")


def private_checkout(folder: Path) -> Path:
    """A copy of the project in ``folder`` (made 0700) for the hub to deploy from: `trainingkit hub`
    refuses a checkout whose keys other accounts can read, and the developer's own checkout is
    left as it is (``make lab`` and the editor keep working in it)."""
    folder.mkdir(mode=0o700)
    shutil.copytree(PROJECT, folder, dirs_exist_ok=True, symlinks=True, ignore=shutil.ignore_patterns(*NOT_DEPLOYED))
    os.chmod(folder, 0o700)  # after the copy, which gives it the project's mode
    return folder


def _remove_cgroups(roster: dict[str, str]) -> None:
    """Remove the roster's cgroups (limits per person) if a hub killed outright left any."""
    from trainingkit.hub.limits import detect

    hierarchy = detect()
    for user in roster:
        if hierarchy is not None and hierarchy.exists(user):
            hierarchy.remove(user)


def live_processes(users: list[str]) -> list[tuple[int, str, int]]:
    """``(pid, command line, RSS bytes)`` of every running (not exited) process of ``users``."""
    uids = {pwd.getpwnam(user).pw_uid: user for user in users if accounts.exists(user)}
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if entry.stat().st_uid in uids and fields[0] != "Z":  # Z: exited, not yet reaped
                rss = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
                found.append((int(entry.name), (entry / "cmdline").read_text().replace("\0", " "), rss))
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
    return found
