"""People while the class runs, on the shared session hub: `trainingkit roster` adds, disables,
enables and removes a person and nobody else's server stops; each person changes their own
password on the hub's page. Every account made here is removed here."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hub.client import Hub, HubUser
from trainingkit.hub import accounts

TRAININGKIT = str(Path(sys.executable).parent / "trainingkit")


def roster_command(hub: Hub, *args: str) -> subprocess.CompletedProcess[str]:
    """`trainingkit roster ...` as the operator runs it, as root, beside the running hub."""
    return subprocess.run([TRAININGKIT, "roster", *args, "--prefix", str(hub.layout.prefix),
                           "--grader", hub.layout.grader], capture_output=True, text=True, timeout=600)


def shown_password(printed: str) -> str:
    found = re.findall(r"\(shown this once and kept nowhere; hand it over privately\): (\S+)", printed)
    assert len(found) == 1, printed
    return found[0]


def server_of(hub: Hub, person: HubUser) -> dict:
    response = person.session.get(f"{hub.url}/hub/api/users/{person.name}", headers=person.headers, timeout=60)
    response.raise_for_status()
    return response.json()["servers"][""]


@pytest.mark.hub
def test_a_trainee_added_disabled_and_removed_while_another_answers_stops_nobody_else(hub: Hub) -> None:
    """While one trainee works, another is added (logs in with the password shown once), disabled (locked out),
    enabled, and removed (no log-in, no account, no home): the first's server and kernel run on and save throughout."""
    other = hub.user("trainee", 7)  # names[6]: used by no other module
    other.make_token()
    other.start_server()
    kernel = other.kernel()
    started = server_of(hub, other)["started"]
    newcomer = f"{hub.names('trainee')[0].split('-')[0]}-added"
    try:
        added = roster_command(hub, "add", newcomer, "--role", "trainee", "--name", "Nia Added")
        assert added.returncode == 0, added.stderr
        password = shown_password(added.stdout)
        assert "nobody else's server was stopped" in added.stdout
        assert password not in Path(hub.layout.roster_file).read_text()
        assert kernel.run("open('saved-while-added.txt', 'w').write('still here'); print('saved')") == ("saved\n", "")
        assert server_of(hub, other)["started"] == started

        person = HubUser(hub.url, newcomer)
        assert person.login(password).status_code == 302
        person.make_token()
        person.start_server()
        printed, error = person.kernel().run(
            "import os; print(sorted(n for n in os.listdir('lessons') if not n.startswith('.'))[0])")
        assert (printed.strip(), error) == ("00-welcome.ipynb", "")

        assert roster_command(hub, "disable", newcomer).returncode == 0
        assert HubUser(hub.url, newcomer).login(password).status_code == 403
        assert person.session.get(f"{hub.url}/hub/api/user", headers=person.headers, timeout=60).status_code == 403
        assert roster_command(hub, "enable", newcomer).returncode == 0
        assert HubUser(hub.url, newcomer).login(password).status_code == 302

        removed = roster_command(hub, "remove", newcomer)
        assert removed.returncode == 0, removed.stderr
        assert HubUser(hub.url, newcomer).login(password).status_code == 403
        assert not accounts.exists(newcomer) and not Path("/home", newcomer).exists()
        assert newcomer not in hub.layout.roster_file.read_text()
        assert kernel.run("print(open('saved-while-added.txt').read())") == ("still here\n", "")
        assert server_of(hub, other)["started"] == started
    finally:
        if accounts.exists(newcomer):
            roster_command(hub, "remove", newcomer)
            accounts.remove(newcomer)


@pytest.mark.hub
def test_a_password_changed_by_its_owner_works_and_the_old_one_no_longer_does(hub: Hub) -> None:
    """On the hub's password page a trainee changes their own password after giving the old one; a wrong old
    password changes nothing, and no password reaches the hub's log."""
    name = hub.names("trainee")[9]  # used by no other module
    old, new = hub.passwords[name], "a-new-secret-for-the-test"
    person = hub.user("trainee", 10)
    page = person.session.get(f"{hub.url}/services/password/", timeout=60)
    assert page.status_code == 200 and "Change your password" in page.text, page.text[:500]
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1)

    def change(current: str) -> "object":
        return person.session.post(f"{hub.url}/services/password/", timeout=60,
                                   data={"_xsrf": xsrf, "old": current, "new": new, "repeated": new})

    refused = change(old + "x")
    assert refused.status_code == 400 and "not right" in refused.text
    assert HubUser(hub.url, name).login(old).status_code == 302
    done = change(old)
    assert done.status_code == 200 and "Your password is changed." in done.text
    hub.passwords[name] = new
    assert HubUser(hub.url, name).login(new).status_code == 302
    assert HubUser(hub.url, name).login(old).status_code == 403
    assert new not in hub.log.read_text() and old not in done.text


@pytest.mark.hub
def test_five_wrong_current_passwords_stop_the_page_checking_even_the_right_one(hub: Hub) -> None:
    """Someone at a trainee's open session guesses the current password: after five wrong guesses the page
    refuses the sixth, right one too (429, saying for how long), and the password is unchanged."""
    from trainingkit.hub.attempts import MAX_FAILURES

    name = hub.names("trainee")[28]  # used by no other module; its password is left as it was
    person = hub.user("trainee", 29)
    page = person.session.get(f"{hub.url}/services/password/", timeout=60)
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1)
    new = "a-guessers-new-secret"

    def change(current: str) -> "object":
        return person.session.post(f"{hub.url}/services/password/", timeout=60,
                                   data={"_xsrf": xsrf, "old": current, "new": new, "repeated": new})

    for guess in range(MAX_FAILURES):
        assert change(f"guess-{guess}").status_code == 400
    refused = change(hub.passwords[name])
    assert refused.status_code == 429 and "Too many wrong passwords" in refused.text, refused.text[-800:]
    assert HubUser(hub.url, name).login(new).status_code == 403
    assert HubUser(hub.url, name).login(hub.passwords[name]).status_code == 302


@pytest.mark.hub
def test_a_stranger_cannot_change_a_password_without_logging_in(hub: Hub) -> None:
    """Without a hub log-in the page sends the browser to log in; a form posted without its token is refused."""
    stranger = HubUser(hub.url, "nobody")
    response = stranger.session.get(f"{hub.url}/services/password/", timeout=60, allow_redirects=True)
    assert "/hub/login" in response.url
    posted = stranger.session.post(f"{hub.url}/services/password/", timeout=60, allow_redirects=False,
                                   data={"old": "x", "new": "y" * 12, "repeated": "y" * 12})
    assert posted.status_code in (302, 403)


@pytest.mark.hub
def test_after_five_wrong_passwords_the_right_one_does_not_log_in_and_a_classmate_still_does(hub: Hub) -> None:
    """A trainee guessing another's password five times locks that log-in: the right password is then refused
    too (the hub's log says it is locked), while a classmate logs in as usual."""
    from trainingkit.hub.attempts import MAX_FAILURES

    name = hub.names("trainee")[27]  # used by no other module: its log-in stays locked for 15 minutes
    for guess in range(MAX_FAILURES):
        assert HubUser(hub.url, name).login(f"guess-{guess}").status_code == 403
    assert HubUser(hub.url, name).login(hub.passwords[name]).status_code == 403
    assert f"Log-in refused for {name} without checking: too many wrong passwords" in hub.log.read_text()
    classmate = hub.names("trainee")[26]
    assert HubUser(hub.url, classmate).login(hub.passwords[classmate]).status_code == 302
