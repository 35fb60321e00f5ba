"""A real JupyterHub for a class of real OS accounts, attacked as a trainee would.

Runs as root only (CI does): `trainingkit hub` makes a roster of one office account, two
supervisors and three trainees (names unique to this run), deploys the course under
``/var/tmp`` and starts the hub on a random port. People log in with the first passwords
it wrote, and code runs in their own kernels over the server's REST and websocket API.
Afterwards every account, process and folder the run made is removed.
"""

from __future__ import annotations

import csv
import os
import pwd
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.conftest import PROJECT
from tests.hub.client import HubUser
from trainingkit.hub import accounts
from trainingkit.hub.layout import HubLayout

pytestmark = pytest.mark.hub

PYTHON = Path("/usr/bin/python3.11")
ASSIGNMENT = "practice-foundations"


def _unavailable() -> str:
    if os.geteuid() != 0:
        return "the hub tests make OS accounts and need root (CI runs them as root)"
    if shutil.which("useradd") is None:
        return "the hub tests need useradd (Debian's passwd package)"
    if not PYTHON.exists():
        return f"the hub tests need Debian's {PYTHON} (apt-get install -y python3.11-venv)"
    return ""


@dataclass
class Hub:
    url: str
    layout: HubLayout
    passwords: dict[str, str]
    roster: dict[str, str]
    process: subprocess.Popen
    log: Path

    def user(self, role: str, number: int = 1) -> HubUser:
        name = sorted(n for n, r in self.roster.items() if r == role)[number - 1]
        person = HubUser(self.url, name)
        assert person.login(self.passwords[name]).status_code == 302, f"{name} could not log in"
        return person

    def as_grader(self, *args: str) -> subprocess.CompletedProcess[str]:
        from trainingkit.hub.deploy import grader_environment

        return subprocess.run(list(args), cwd=self.layout.course.coursework, env=grader_environment(self.layout),
                              user=self.layout.grader, group=pwd.getpwnam(self.layout.grader).pw_gid,
                              extra_groups=[], capture_output=True, text=True, timeout=300)


def _free_port() -> int:
    from trainingkit.hub.run import free_port

    return free_port()


def _processes_of(users: list[str]) -> list[str]:
    uids = {pwd.getpwnam(user).pw_uid for user in users if accounts.exists(user)}
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                dead = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"  # exited, not yet reaped
                if entry.stat().st_uid in uids and not dead:
                    found.append((entry / "cmdline").read_text().replace("\0", " "))
            except (FileNotFoundError, ProcessLookupError):
                continue
    return found


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory):
    reason = _unavailable()
    if reason:
        pytest.skip(reason)
    tag = f"tk{secrets.token_hex(3)}"
    roster = {f"{tag}-o1": "office", f"{tag}-s1": "supervisor", f"{tag}-s2": "supervisor",
              f"{tag}-t1": "trainee", f"{tag}-t2": "trainee", f"{tag}-t3": "trainee"}
    roster_file = tmp_path_factory.mktemp("hub") / "roster.csv"
    roster_file.write_text("username,role,name\n" + "".join(f"{n},{r},Test {r} {n}\n" for n, r in roster.items()))
    layout = HubLayout(Path("/var/tmp") / f"trainingkit-{tag}", f"{tag}-grader")
    port = _free_port()
    log = roster_file.with_name("hub.log")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRAININGKIT_", "JUPYTER"))}
    command = [str(Path(sys.executable).parent / "trainingkit"), "hub", "--roster", str(roster_file),
               "--prefix", str(layout.prefix), "--grader", layout.grader, "--port", str(port),
               "--course", str(PROJECT)]
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"trainingkit hub exited with {process.returncode}:\n{log.read_text()[-4000:]}")
            try:
                if requests.get(f"{url}/hub/api/", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        else:
            raise RuntimeError(f"the hub did not answer within 600 s:\n{log.read_text()[-4000:]}")
        with layout.passwords_file.open() as handle:
            passwords = {row["username"]: row["password"] for row in csv.DictReader(handle)}
        yield Hub(url, layout, passwords, roster, process, log)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        for user in [*roster, layout.grader]:
            subprocess.run(["pkill", "-KILL", "-u", user], capture_output=True)
        subprocess.run(["pkill", "-KILL", "-f", str(layout.prefix)], capture_output=True)
        time.sleep(0.5)
        for user in [*roster, layout.grader]:
            accounts.remove(user)
        shutil.rmtree(layout.prefix, ignore_errors=True)
        assert not any(accounts.exists(user) for user in roster) and not layout.prefix.exists()


def test_first_passwords_are_private_and_only_the_right_one_logs_in(hub: Hub) -> None:
    """Each account gets its own password in a root-only file; a wrong password is refused."""
    mode = hub.layout.passwords_file.stat()
    assert stat.S_IMODE(mode.st_mode) == 0o600 and mode.st_uid == 0
    assert len(set(hub.passwords.values())) == len(hub.roster)
    trainee = next(name for name, role in hub.roster.items() if role == "trainee")
    assert HubUser(hub.url, trainee).login(hub.passwords[trainee] + "x").status_code == 403


def test_a_trainee_works_as_their_own_account_in_a_private_home_with_the_lessons(hub: Hub) -> None:
    """A trainee's kernel runs as their account, in a 0700 home holding their own lessons."""
    trainee = hub.user("trainee")
    trainee.make_token()
    trainee.start_server()
    printed, error = trainee.kernel().run(
        "import os, stat; print(os.getuid()); print(oct(stat.S_IMODE(os.stat(os.path.expanduser('~')).st_mode)));"
        "print(sorted(os.listdir('lessons'))[0])")
    assert error == ""
    uid, mode, first = printed.split()
    assert int(uid) == pwd.getpwnam(trainee.name).pw_uid and mode == "0o700" and first == "00-welcome.ipynb"
    opened = trainee.session.get(f"{hub.url}/user/{trainee.name}/", allow_redirects=False)
    assert opened.headers["Location"].split("?")[0].endswith("/lab/tree/lessons/00-welcome.ipynb")


def test_a_trainee_kernel_cannot_read_keys_gradebook_or_another_trainee(hub: Hub) -> None:
    """Code in a trainee's kernel is refused the bank, the gradebook, the source and another trainee's home."""
    trainee = hub.user("trainee", 1)
    other = sorted(n for n, r in hub.roster.items() if r == "trainee")[1]
    trainee.make_token()
    trainee.start_server()
    kernel = trainee.kernel()
    course = hub.layout.course
    reads = [f"open({str(path)!r}, 'rb').read(1)" for path in (
        course.bank_dir / "scope.yaml", course.coursework / "gradebook.db", course.source_notebook(ASSIGNMENT))]
    for code in [*reads, f"__import__('os').listdir('/home/{other}')"]:
        printed, error = kernel.run(code)
        assert error.startswith("PermissionError"), (code, printed, error)


def test_only_supervisors_reach_the_formgrader(hub: Hub) -> None:
    """The course's formgrader answers a supervisor, and refuses a trainee and the office with 403."""
    assert hub.user("supervisor").session.get(f"{hub.url}{hub.layout.service_prefix}formgrader").status_code == 200
    for role in ("trainee", "office"):
        assert hub.user(role).session.get(f"{hub.url}{hub.layout.service_prefix}formgrader").status_code == 403


def test_a_trainee_server_has_no_formgrader_of_its_own(hub: Hub) -> None:
    """A trainee's own server does not serve nbgrader's formgrader."""
    trainee = hub.user("trainee", 3)
    trainee.make_token()
    trainee.start_server()
    assert trainee.session.get(f"{hub.url}/user/{trainee.name}/formgrader").status_code == 404


def test_a_submission_in_another_trainees_name_is_refused_at_collect(hub: Hub) -> None:
    """`nbgrader submit --student=someone-else` lands in the exchange, and collect leaves it there."""
    trainee = hub.user("trainee", 1)
    victim = sorted(n for n, r in hub.roster.items() if r == "trainee")[1]
    trainee.make_token()
    trainee.start_server()
    kernel = trainee.kernel()
    for args in (["fetch_assignment", ASSIGNMENT], ["submit", ASSIGNMENT, f"--student={victim}"]):
        printed, error = kernel.run(f"import subprocess; r = subprocess.run(['nbgrader', *{args!r}], "
                                    "capture_output=True, text=True); print(r.returncode)")
        assert printed.strip() == "0", (args, printed, error)
    collected = hub.as_grader("nbgrader", "collect", ASSIGNMENT)
    assert "Refused" in collected.stdout + collected.stderr and f"submitted by {trainee.name}" in collected.stderr
    assert not (hub.layout.course.coursework / "submitted" / victim).exists()


def test_ctrl_c_stops_the_hub_and_everything_it_started(hub: Hub) -> None:
    """Ctrl-C on `trainingkit hub` stops the hub, proxy, formgrader and every person's server."""
    os.killpg(hub.process.pid, signal.SIGINT)
    hub.process.wait(timeout=120)
    time.sleep(1)
    assert _processes_of([*hub.roster, hub.layout.grader]) == []
    assert subprocess.run(["pgrep", "-f", str(hub.layout.venv)], capture_output=True).stdout == b""
