"""Idle servers on the hub are stopped by jupyterhub-idle-culler, and no saved answer is lost.

A hub of its own (one trainee, root only, like tests/hub/test_hub.py) whose idle timeout is
20 seconds instead of an hour, so the real culler stops the real server within the test.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator

import pytest

from tests.hub.client import Hub, live_processes, roster_of, running_hub, unavailable
from trainingkit.answers import read_answers
from trainingkit.hub import accounts
from trainingkit.hub.limits import detect

pytestmark = pytest.mark.hub

IDLE_SECONDS = 20
SAVE = "from trainingkit.answers import save_answer; save_answer('lessons/answers.json', {question!r}, {value!r})"


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """One trainee on a hub that stops a server after 20 idle seconds; all removed after."""
    reason = unavailable()
    if reason:
        pytest.skip(reason)
    roster = roster_of(f"tc{secrets.token_hex(3)}", trainee=1)
    with running_hub(roster, tmp_path_factory.mktemp("culling"), options=("--idle-timeout", str(IDLE_SECONDS))) as running:
        yield running
    assert not any(accounts.exists(user) for user in roster) and not running.layout.prefix.exists()


def test_an_idle_server_is_stopped_and_every_answer_saved_before_is_kept(hub: Hub) -> None:
    """The culler stops an idle trainee's server and kernel; the answers file keeps all five answers."""
    trainee = hub.user("trainee")
    trainee.make_token()
    trainee.start_server()
    given = {f"q-{n}": "abcd"[n % 4] for n in range(5)}
    with trainee.kernel().channel() as channel:
        for question, value in given.items():
            assert channel.run(SAVE.format(question=question, value=value))[1] == ""

    deadline = time.monotonic() + 10 * IDLE_SECONDS
    while time.monotonic() < deadline:
        servers = trainee.session.get(f"{hub.url}/hub/api/users/{trainee.name}", headers=trainee.headers,
                                      timeout=30).json().get("servers", {})
        if not servers and not live_processes([trainee.name]):
            break
        time.sleep(2)
    else:
        pytest.fail(f"{trainee.name}'s server was still running {10 * IDLE_SECONDS} s after its last activity:\n"
                    f"{hub.log.read_text()[-3000:]}")
    assert "idle-culler" in hub.log.read_text() and "Culling server" in hub.log.read_text()
    hierarchy = detect()
    assert hierarchy is None or not hierarchy.exists(trainee.name)  # its cgroup (limits per person) went with it

    saved = read_answers(accounts.home_of(trainee.name) / "lessons" / "answers.json")
    assert {question: answer.value for question, answer in saved.items()} == given


def test_a_culled_trainee_comes_back_to_the_answers_they_gave(hub: Hub) -> None:
    """After the cull, the trainee's new server and kernel read the same five answers."""
    trainee = hub.user("trainee")
    trainee.make_token()
    trainee.start_server()
    printed, error = trainee.kernel().run(
        "from trainingkit.answers import read_answers; print(len(read_answers('lessons/answers.json')))")
    assert (printed.strip(), error) == ("5", "")
