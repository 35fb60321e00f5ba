"""What `bank check` says about case sets: each one no form can hold, and whether anyone sees it at all."""

from __future__ import annotations

from dataclasses import replace

from trainingkit.assignments import Assignment, FeedbackMode
from trainingkit.exam.checks import case_set_findings

from tests.exam.helpers import blueprint, item, make_bank

AREAS = {"danger": (1, 2), "dual": (2, 4), "scope": (2, 4)}


def _bank_with_a_crowded_case_set():
    bank = make_bank({"danger": 6, "dual": 8, "scope": 8})
    for number in (1, 2, 3):
        bank[f"danger-09{number}"] = replace(item(f"danger-09{number}", "danger"), case="case-safety-09",
                                             part=number, parts=3)
    return bank


def test_a_case_set_no_form_can_hold_and_no_practice_set_shows_is_said_to_reach_no_one() -> None:
    """The finding names the case set, why it cannot be placed, and that nobody would ever see it."""
    [finding] = case_set_findings(_bank_with_a_crowded_case_set(), blueprint(AREAS, 8), {})
    assert finding.startswith("case set case-safety-09 cannot be placed on any ethics review form: 3 parts")
    assert finding.endswith("(it is in no practice set either, so no one ever sees it)")


def test_a_crowded_case_set_in_a_practice_set_is_still_named_with_where_it_is_shown() -> None:
    """Practice keeps it off forms anyway, but its tags are still wrong, so it is named with its practice set."""
    practice = {"practice-safety": Assignment("practice-safety", "Practice", FeedbackMode.PRACTICE,
                                              ("danger-091", "danger-092", "danger-093"))}
    [finding] = case_set_findings(_bank_with_a_crowded_case_set(), blueprint(AREAS, 8), practice)
    assert finding.endswith("(it is in practice set practice-safety)")
