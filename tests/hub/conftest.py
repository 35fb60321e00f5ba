"""The class hub that the hub tests share: deployed once per session (a venv and a course take
about a minute), with its PostgreSQL gradebook when PostgreSQL is installed.

One office account, two supervisors and thirty trainees (enough for a class submitting at
once), five of them certified coaches (:data:`COACHES`). Modules run in name order, and
test_hub.py ends by stopping the hub with Ctrl-C: a
module that uses this hub must sort before it (test_course_service.py does). test_culling.py
runs a hub of its own.
"""

from __future__ import annotations

import secrets
import subprocess
from collections.abc import Iterator

import pytest

from tests.hub.client import Hub, roster_of, running_hub, unavailable
from tests.pgserver import PostgresServer
from trainingkit.hub import accounts

TRAINEES = 30
#: Trainees (by their place in ``hub.names("trainee")``) who are certified coaches, with their coach ids:
#: names[6] and names[9] (test_course_sittings.py; test_course_sittings_chain.py fails C0010 again), names[11] (the
#: renewal journey of test_course_sittings_chain.py, untouched before it), names[12] (its late submission) and
#: names[22] (test_course_sittings.py's coach refused a third sitting in one window).
COACHES = {6: "C0007", 9: "C0010", 11: "C0012", 12: "C0013", 22: "C0023"}
#: Other places are each one module's own: a module taking a trainee nobody else touches picks a
#: place that no ``hub.user("trainee", N)`` (place N - 1) or ``names("trainee")[N]`` uses yet;
#: test_eavesdropping.py has places 14 and 15, test_class_reflow.py place 24.


def _postgres_missing() -> str:
    from tests.pgserver import find_postgres_bin

    if find_postgres_bin() is None:
        return "PostgreSQL is not installed (no initdb; apt-get install -y postgresql)"
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        return "psycopg2 is not installed (pip install psycopg2-binary)"
    return ""


def _say(request: pytest.FixtureRequest, line: str) -> None:
    """A line in the test output, whatever the capture and verbosity."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"\n{line}")


@pytest.fixture(scope="session")
def gradebook_server(request: pytest.FixtureRequest) -> Iterator[PostgresServer | None]:
    """A PostgreSQL cluster that requires passwords, for the hub's gradebook; None when not installed."""
    if unavailable():
        yield None
        return
    reason = _postgres_missing()
    if reason:
        _say(request, f"hub tests: the gradebook is SQLite, not PostgreSQL: {reason}")
        yield None
        return
    from tests.pgserver import find_postgres_bin

    server = PostgresServer(find_postgres_bin(), passwords=True).start()
    _say(request, f"hub tests: the gradebook is PostgreSQL on 127.0.0.1:{server.port}, password required")
    try:
        yield server
    finally:
        server.stop()
    assert not server.folder.exists()


@pytest.fixture(scope="session")
def hub(tmp_path_factory: pytest.TempPathFactory, gradebook_server: PostgresServer | None) -> Iterator[Hub]:
    """One office account, two supervisors, thirty trainees; all removed after the session."""
    reason = unavailable()
    if reason:
        pytest.skip(reason)
    roster = roster_of(f"tk{secrets.token_hex(3)}", office=1, supervisor=2, trainee=TRAINEES)
    db_url = gradebook_server.create_database() if gradebook_server else None
    trainees = sorted(name for name, role in roster.items() if role == "trainee")
    coaches = {trainees[place]: coach_id for place, coach_id in COACHES.items()}
    with running_hub(roster, tmp_path_factory.mktemp("hub"), db_url=db_url, coaches=coaches) as running:
        yield running
    assert not any(accounts.exists(user) for user in roster) and not running.layout.prefix.exists()
    assert subprocess.run(["getent", "group", running.layout.office_group], capture_output=True).returncode == 2
