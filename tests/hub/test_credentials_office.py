"""The certification body's office on the hub (issue 21): it sets up, issues and revokes in its own
kernel; its keys stay its own; everyone on the machine verifies against ``PREFIX/published``.

Runs on the session's hub (tests/hub/conftest.py), which test_hub.py stops at its end: this module
sorts before it.
"""

from __future__ import annotations

import datetime as dt
import json
import pwd
import stat
import subprocess
from pathlib import Path

import pytest

from tests.hub.client import Hub, HubUser

pytestmark = pytest.mark.hub

#: Runs `trainingkit ARGS...` in a kernel and prints [exit status, stdout, stderr] as one JSON line.
RUNNER = ("import json, os, subprocess\n"
          "def tk(*args):\n"
          "    done = subprocess.run(['trainingkit', *args], capture_output=True, text=True,"
          " cwd=os.path.expanduser('~'))\n"
          "    print(json.dumps([done.returncode, done.stdout, done.stderr]))\n")


def _started(hub: Hub, role: str, number: int = 1) -> HubUser:
    person = hub.user(role, number)
    person.make_token()
    person.start_server()
    return person


def _trainingkit(person: HubUser, *commands: tuple[str, ...], timeout: float = 180) -> list[tuple[int, str, str]]:
    """Each command run in turn as `trainingkit ...` in ``person``'s own kernel."""
    printed, error = person.kernel().run(RUNNER + "".join(f"tk(*{list(command)!r})\n" for command in commands),
                                         timeout=timeout)
    assert error == "", (printed, error)
    return [tuple(json.loads(line)) for line in printed.strip().splitlines()]


def _verify(person: HubUser, hub: Hub, code: str) -> tuple[int, str, str]:
    return _trainingkit(person, ("certificate", "verify", code, "--published", str(hub.layout.published_dir)))[0]


@pytest.fixture
def office_files(hub: Hub):
    """The office's home, and afterwards its renewals folder as this test found it: test_hub.py's office
    test, later in the session, lists that folder."""
    import shutil

    home = Path(pwd.getpwnam(hub.names("office")[0]).pw_dir)
    yield home
    (home / "renewals" / "certificates-test.csv").unlink(missing_ok=True)
    shutil.rmtree(home / "renewals" / "reports" / "certificates-test", ignore_errors=True)
    if (home / "renewals" / "reports").is_dir() and not any((home / "renewals" / "reports").iterdir()):
        (home / "renewals" / "reports").rmdir()
    shutil.rmtree(home / "certificates", ignore_errors=True)


def test_the_office_issues_and_revokes_and_anyone_on_the_hub_verifies(hub: Hub, office_files: Path) -> None:
    """The office sets up (publishing where everyone reads), issues, and revokes through its records with
    `renewal report --credentials`; a trainee's verify says VALID, then REVOKED. The keys are 0600 in a
    0700 folder of the office's, which a trainee cannot open; the trainee cannot write the published folder;
    nothing under the prefix is world-writable."""
    office = _started(hub, "office")
    home = office_files
    today = dt.date.today().isoformat()
    log, report = home / "renewals" / "certificates-test.csv", home / "renewals" / "reports" / "certificates-test"
    setup, certified, issue = _trainingkit(
        office, ("certificate", "setup", "--name", "Board", "--url", "https://certification.example.org/coaches"),
        ("renewal", "record", "--events", str(log), "--coach", "C900", "--date", "2026-11-29", "--event", "certified"),
        ("certificate", "issue", "--coach", "C900", "--name", "Ada Okafor", "--cycle", "1", "--score", "88",
         "--output", str(home / "certificates" / "c900.pdf"), "--events", str(log)))
    assert setup[0] == 0 and str(hub.layout.published_dir) in setup[1], setup
    assert certified[0] == 0, certified
    assert issue[0] == 0, issue
    code = issue[1].split("Verification code: ")[1].split()[0]

    published, keys = hub.layout.published_dir, home / ".trainingkit" / "office" / "keys"
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700 and keys.stat().st_uid == pwd.getpwnam(office.name).pw_uid
    assert [stat.S_IMODE(key.stat().st_mode) for key in keys.iterdir()] == [0o600]
    assert stat.S_IMODE(published.stat().st_mode) == 0o2775 and published.stat().st_uid == 0
    for path in (published / "issuer.json", published / "status-list.json", published / "credentials" / f"{code}.json"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path
    assert stat.S_IMODE((published / "credentials").stat().st_mode) == 0o2775
    found = subprocess.run(["find", str(hub.layout.prefix), "-perm", "-o+w", "!", "-type", "l"],
                           capture_output=True, text=True, check=True).stdout
    assert found == "", found

    trainee = _started(hub, "trainee", 3)
    valid = _verify(trainee, hub, code)
    assert valid[0] == 0 and valid[1].startswith("VALID") and "Ada Okafor" in valid[1], valid
    attempts = [f"lambda: os.listdir({str(keys)!r})", f"lambda: open({str(keys / 'key-1.pem')!r}).read()",
                f"lambda: open({str(published / 'forged.json')!r}, 'w')",
                f"lambda: open({str(published / 'status-list.json')!r}, 'a')",
                f"lambda: open({str(published / 'credentials' / 'forged.json')!r}, 'w')"]
    printed, error = trainee.kernel().run(
        f"import os\nfor attempt in ({', '.join(attempts)},):\n"
        "    try:\n        attempt(); print('ok')\n    except OSError as error:\n        print(type(error).__name__)")
    assert (printed.split(), error) == (["PermissionError"] * len(attempts), ""), (printed, error)

    results = _trainingkit(
        office,
        ("renewal", "record", "--events", str(log), "--coach", "C900", "--date", today, "--event", "committee",
         "--outcome", "revoked"),
        ("renewal", "report", "--events", str(log), "--on", today, "--output-dir", str(report),
         "--credentials", str(home / ".trainingkit" / "office")))
    assert [result[0] for result in results] == [0, 0], results
    assert f"Revoked {code} of C900: committee revoked on {today}" in results[1][1], results[1]
    revoked = _verify(trainee, hub, code)
    assert revoked[0] == 1 and revoked[1].startswith("REVOKED"), revoked
