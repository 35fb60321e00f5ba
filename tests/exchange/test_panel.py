"""The Assignments panel gets an exchange refusal's own words, not a traceback (trainingkit.exchange.panel)."""

from __future__ import annotations

import traceback
from pathlib import Path

import pytest
from nbgrader.exchange import ExchangeError

from trainingkit.exchange.panel import PANEL_WIDTH, _manager_class, plain_refusal

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
