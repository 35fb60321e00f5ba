"""The Assignments panel gets an exchange refusal's own words, not a traceback (trainingkit.exchange.panel)."""

from __future__ import annotations

import traceback
from pathlib import Path

import pytest
from nbgrader.exchange import ExchangeError

from trainingkit.exchange.panel import PANEL_WIDTH, _manager_class, list_failure, plain_refusal

REFUSAL = ("ethics-review: you already submitted this review on 2026-12-06, and one submission closes a sitting, "
           "so this one was not kept")


def _traceback_of(error: BaseException) -> str:
    try:
        raise error
    except BaseException:
        return traceback.format_exc()


def test_an_exchange_refusal_in_a_traceback_becomes_its_message_alone() -> None:
    assert plain_refusal(_traceback_of(ExchangeError(REFUSAL))) == REFUSAL


def test_any_other_failure_is_left_as_nbgrader_gives_it() -> None:
    text = _traceback_of(KeyError("grade_id"))
    assert plain_refusal(text) == text and plain_refusal(None) is None


def test_a_refused_submit_reaches_the_panel_as_the_exchanges_plain_words(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """nbgrader's own manager, run for real on an assignment that was never fetched: its refusal is one
    plain sentence in lines the dialog shows whole, where nbgrader's gives a traceback."""
    from nbgrader.server_extensions.assignment_list.handlers import AssignmentList

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "config"))
    for manager_class in (AssignmentList, _manager_class()):
        manager = manager_class()
        manager.root_dir = str(tmp_path)
        outcome = manager.submit_assignment("a-course", "never-fetched")
        assert outcome["success"] is False
        if manager_class is AssignmentList:
            assert outcome["value"].startswith("Traceback")
        else:
            assert "Traceback" not in outcome["value"] and "contact your instructor" in outcome["value"], outcome
            assert max(map(len, outcome["value"].splitlines())) <= PANEL_WIDTH  # the dialog does not wrap it


def test_a_list_the_course_service_cannot_give_says_what_happened_and_what_to_do_not_a_missing_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """nbgrader's manager, run for real with trainingkit's ServiceList and a course service that is not
    listening: nbgrader speaks of an exchange directory, which the hub has not; the panel's manager gives
    the exchange's own words and what to do, for released and submitted lists alike."""
    import socket

    from nbgrader.server_extensions.assignment_list.handlers import AssignmentList

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("TRAININGKIT_COURSE_SERVICE_URL", f"http://127.0.0.1:{port}/services/course/")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "not-a-token")
    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()\nc.ExchangeFactory.list = 'trainingkit.exchange.client.ServiceList'\n")
    for manager_class in (AssignmentList, _manager_class()):
        manager = manager_class()
        manager.root_dir = str(tmp_path)
        for outcome in (manager.list_released_assignments("a-course"), manager.list_submitted_assignments("a-course")):
            assert outcome["success"] is False
            if manager_class is AssignmentList:
                assert outcome["value"].startswith("The exchange directory does not exist")
            else:
                assert outcome["value"].startswith("Your assignments could not be listed: the course service "
                                                   "cannot be reached ("), outcome
                assert outcome["value"].endswith("try again in a minute, and tell your supervisor if it goes on.")
                assert "directory" not in outcome["value"] and "Traceback" not in outcome["value"]


def test_a_list_failure_without_the_exchanges_words_says_the_service_is_not_answering() -> None:
    """The plain sentence, with what to do, when nothing more is known; a reason that says what to do is kept."""
    assert list_failure(None) == ("Your assignments could not be listed: the course service is not answering; try "
                                  "again in a minute (the refresh button above the lists), and tell your supervisor "
                                  "if it goes on.")
    assert list_failure("the course service said: busy.").startswith(
        "Your assignments could not be listed: the course service said: busy; try again")
