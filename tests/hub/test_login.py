"""The hub's log-in on a real hub: five wrong passwords lock a person's log-in for a while.

Uses the session's shared hub (tests/hub/conftest.py); sorts before test_hub.py, which stops it.
"""

from __future__ import annotations

import pytest

from tests.hub.client import Hub, HubUser
from trainingkit.hub.attempts import MAX_FAILURES

pytestmark = pytest.mark.hub


def test_after_five_wrong_passwords_the_right_one_does_not_log_in_and_a_classmate_still_does(hub: Hub) -> None:
    """A trainee guessing another's password five times locks that log-in: the right password is then refused
    too (the hub's log says it is locked), while a classmate logs in as usual."""
    name = hub.names("trainee")[27]  # used by no module after this one: its log-in stays locked for 15 minutes
    for guess in range(MAX_FAILURES):
        assert HubUser(hub.url, name).login(f"guess-{guess}").status_code == 403
    assert HubUser(hub.url, name).login(hub.passwords[name]).status_code == 403
    assert f"Log-in refused for {name} without checking: too many wrong passwords" in hub.log.read_text()
    classmate = hub.names("trainee")[26]
    assert HubUser(hub.url, classmate).login(hub.passwords[classmate]).status_code == 302
