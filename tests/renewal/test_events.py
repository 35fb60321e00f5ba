"""Events and what makes one well formed (trainingkit.renewal.events)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from trainingkit.renewal.events import (
    DETAIL_COLUMNS,
    EVENT_TABLE,
    Decision,
    Event,
    EventColumns,
    EventKind,
    ReviewResult,
    Verdict,
    did_you_mean,
    event_problem,
    event_table_markdown,
    same_day_rank,
)


def test_plain_strings_become_enum_members() -> None:
    """An event built from strings stores its kind and outcome as enum members."""
    event = Event("C1", date(2024, 1, 1), "verdict", supervisor="Dr A", outcome="competent")  # type: ignore[arg-type]
    assert event.kind is EventKind.VERDICT and event.outcome is Verdict.COMPETENT


@pytest.mark.parametrize(
    ("kind", "details", "message"),
    [
        (EventKind.REVIEW, {}, "a review needs a score"),
        (EventKind.REVIEW, {"score": 100.5}, "outside 0 to 100"),
        (EventKind.REVIEW, {"score": -1}, "outside 0 to 100"),
        (EventKind.SUPERVISION, {"hours": 2}, "needs a supervisor"),
        (EventKind.SUPERVISION, {"supervisor": "Dr A", "hours": 0}, "more than 0"),
        (EventKind.SUPERVISION, {"supervisor": "Dr A"}, "needs hours"),
        (EventKind.VERDICT, {"supervisor": "Dr A", "outcome": "fine"}, "competent or not_competent"),
        (EventKind.VERDICT, {"outcome": "competent"}, "needs a supervisor"),
        (EventKind.COMMITTEE, {}, "suspended, revoked or cleared"),
    ],
)
def test_an_event_that_breaks_a_row_rule_cannot_be_made(
    kind: EventKind, details: dict[str, object], message: str
) -> None:
    """Each row rule of the issue is enforced when an Event is built, with a clear message."""
    with pytest.raises(ValueError, match=message):
        Event("C1", date(2024, 1, 1), kind, **details)  # type: ignore[arg-type]


def test_scores_at_the_ends_of_the_range_are_allowed() -> None:
    """0 and 100 are valid scores."""
    assert event_problem(EventKind.REVIEW, supervisor=None, hours=None, score=0, outcome=None) is None
    assert event_problem(EventKind.REVIEW, supervisor=None, hours=None, score=100, outcome=None) is None


def test_details_a_kind_does_not_use_are_ignored() -> None:
    """A certification with a stray supervisor is still a certification."""
    assert Event("C1", date(2024, 1, 1), EventKind.CERTIFIED, supervisor="x").kind is EventKind.CERTIFIED


def test_an_event_needs_a_coach() -> None:
    """An empty coach_id is refused."""
    with pytest.raises(ValueError, match="coach_id"):
        Event("", date(2024, 1, 1), EventKind.CERTIFIED)


def test_on_one_day_certification_comes_first_and_the_committee_last() -> None:
    """Same-day order: certified, evidence, charge reports, renewal, committee."""
    order = sorted(EventKind, key=same_day_rank)
    assert order[0] is EventKind.CERTIFIED and order[-1] is EventKind.COMMITTEE
    assert same_day_rank(EventKind.REVIEW) < same_day_rank(EventKind.RENEWED)
    assert same_day_rank(EventKind.CHARGED) < same_day_rank(EventKind.CHARGE_REPORTED)


def test_events_sort_by_date_then_same_day_rank_then_line() -> None:
    """A renewal logged before that day's review still sorts after it."""
    renewal = Event("C1", date(2026, 1, 5), EventKind.RENEWED, line=3)
    review = Event("C1", date(2026, 1, 5), EventKind.REVIEW, score=90, line=4)
    earlier = Event("C1", date(2026, 1, 4), EventKind.COMMITTEE, outcome=Decision.CLEARED, line=9)
    assert sorted([renewal, review, earlier], key=Event.sort_key) == [earlier, review, renewal]


@pytest.mark.parametrize(
    ("kind", "details", "column"),
    [
        (EventKind.REVIEW, {}, "score"),
        (EventKind.SUPERVISION, {"hours": 2}, "supervisor"),
        (EventKind.SUPERVISION, {"supervisor": "Dr A", "hours": -1}, "hours"),
        (EventKind.VERDICT, {"supervisor": "Dr A", "outcome": "fine"}, "outcome"),
    ],
)
def test_a_problem_names_the_column_it_is_in(kind: EventKind, details: dict[str, object], column: str) -> None:
    """event_problem says which column to fix."""
    problem = event_problem(kind, **{"supervisor": None, "hours": None, "score": None, "outcome": None,
                                     **details})  # type: ignore[arg-type]
    assert problem is not None and problem.column == column


def test_a_near_miss_is_suggested_whatever_its_case() -> None:
    """'Renewd' is close to 'renewed'; nothing is close to 'sabbatical'."""
    assert did_you_mean("Renewd", EventKind) == "; did you mean 'renewed'?"
    assert did_you_mean("sabbatical", EventKind) == ""


def test_every_event_kind_has_one_row_in_the_event_table() -> None:
    """EVENT_TABLE covers each kind once, in enum order, and names only detail columns."""
    assert [row.kind for row in EVENT_TABLE] == list(EventKind)
    assert all(set(row.needs) | set(row.ignores) == set(DETAIL_COLUMNS) for row in EVENT_TABLE)


README = Path(__file__).parents[2] / "README.md"
TABLE_START = "<!-- event table: generated from EVENT_TABLE"
TABLE_END = "<!-- end of event table -->"


def test_the_readme_event_table_is_the_one_the_checks_use() -> None:
    """The README's table of what each event needs is exactly event_table_markdown() (EVENT_TABLE)."""
    text = README.read_text(encoding="utf-8")
    office = text.split("## For the certification office", 1)[1].split("\n## ", 1)[0]
    assert TABLE_START in office and TABLE_END in office
    shown = office.split(TABLE_START, 1)[1].split("\n", 1)[1].split(TABLE_END, 1)[0]
    assert shown == event_table_markdown(), (
        "README.md's event table differs from EVENT_TABLE; paste this between the markers:\n"
        + event_table_markdown())


@pytest.mark.parametrize("row", EVENT_TABLE, ids=lambda row: row.kind.value)
def test_each_event_is_refused_without_a_column_the_table_says_it_needs(row: EventColumns) -> None:
    """Leaving out any needed column is a problem in that column; the table's values are accepted."""
    full = {"supervisor": "Dr A", "hours": 2.0, "score": 90.0,
            "outcome": row.outcomes[0] if row.outcomes else None, "cut_score": 72.1, "form": "cycle-1"}
    assert event_problem(row.kind, **full) is None  # type: ignore[arg-type]
    for column in row.needs:
        problem = event_problem(row.kind, **{**full, column: None})  # type: ignore[arg-type]
        assert problem is not None and problem.column == column


def test_a_review_without_both_cut_score_and_form_is_a_legacy_line_read_against_80() -> None:
    """Neither cut_score nor form: a legacy review, judged against LEGACY_CUT_SCORE and flagged."""
    event = Event("C1", date(2025, 1, 1), EventKind.REVIEW, score=80.0)
    assert event.review is not None and event.review.legacy and event.review.passed
    assert str(event.review).startswith("80 / 80 (legacy line")


def test_the_pass_decision_is_the_forms_cut_score_unrounded() -> None:
    """72.06 against 72.1 fails and 72.1 passes: score >= cut_score on the numbers as recorded."""
    assert not ReviewResult.of(72.06, 72.1, "cycle-1").passed
    assert ReviewResult.of(72.1, 72.1, "cycle-1").passed and str(ReviewResult.of(83.3, 72.1, "cycle-1")) == "83.3 / 72.1"
    assert str(ReviewResult.of(72.09999, 72.1, "cycle-1")) == "72.09999 / 72.1"  # never shown rounded up to a pass


@pytest.mark.parametrize("row", EVENT_TABLE, ids=lambda row: row.kind.value)
def test_each_event_accepts_anything_in_the_columns_the_table_says_it_ignores(row: EventColumns) -> None:
    """Ignored columns are not checked: odd values there are no problem."""
    details = {"supervisor": "Dr A", "hours": 2.0, "score": 90.0,
               "outcome": row.outcomes[0] if row.outcomes else None, "cut_score": 72.1, "form": "cycle-1"}
    odd = {"supervisor": "", "hours": -5.0, "score": 500.0, "outcome": "whatever", "cut_score": 300.0,
           "form": "not a form"}
    assert event_problem(row.kind, **{**details, **{c: odd[c] for c in row.ignores}}) is None  # type: ignore[arg-type]
