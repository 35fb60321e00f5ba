"""The renewal rules, one claim per test (trainingkit.renewal.rules)."""

from __future__ import annotations

from datetime import date

import pytest

from trainingkit.renewal.rules import RuleViolation, replay, status_on
from trainingkit.renewal.settings import RenewalRules
from trainingkit.renewal.status import Flag, Status

from .helpers import (
    certified,
    charge_reported,
    charged,
    committee,
    day,
    renewed,
    review,
    supervision,
    verdict,
)

# Certified 2024-02-29: window opens 2025-11-30, expires 2026-02-28, grace ends 2026-08-28.
START = certified("2024-02-29")


def status(events: list, on: str, rules: RenewalRules | None = None) -> Status:  # type: ignore[type-arg]
    return status_on(events, day(on), rules or RenewalRules()).status


# Where the cycle stands -----------------------------------------------------------------------

def test_before_the_first_certification_a_coach_is_not_certified() -> None:
    """A date before the certification reads not_certified, with no cycle dates."""
    reading = status_on([START], day("2024-02-28"))
    assert reading.status is Status.NOT_CERTIFIED and reading.expires_on is None


def test_before_the_window_opens_a_coach_is_certified() -> None:
    """The day before the window opens the coach is simply certified."""
    assert status([START], "2025-11-29") is Status.CERTIFIED


def test_on_the_day_the_window_opens_renewal_is_due() -> None:
    """Window open and no counting review: renewal_due."""
    assert status([START], "2025-11-30") is Status.RENEWAL_DUE


def test_the_certification_is_valid_through_expires_on() -> None:
    """On expires_on itself the coach is not lapsed yet."""
    assert status([START], "2026-02-28") is Status.RENEWAL_DUE


def test_the_day_after_expiry_the_coach_has_lapsed() -> None:
    """After expires_on, through grace_ends_on: lapsed."""
    assert status([START], "2026-03-01") is Status.LAPSED
    assert status([START], "2026-08-28") is Status.LAPSED


def test_after_the_grace_period_supervision_is_required() -> None:
    """The day after grace_ends_on: supervision_required."""
    assert status([START], "2026-08-29") is Status.SUPERVISION_REQUIRED


def test_a_passed_review_in_the_window_makes_the_coach_ready_to_renew() -> None:
    """A review at the pass mark, on the window's first day, counts."""
    assert status([START, review("2025-11-30", 80)], "2025-12-01") is Status.READY_TO_RENEW


def test_a_review_just_under_the_pass_mark_does_not_count() -> None:
    """79.9% is not a pass."""
    assert status([START, review("2025-12-01", 79.9)], "2025-12-02") is Status.RENEWAL_DUE


def test_a_review_passed_before_the_window_opened_does_not_count() -> None:
    """A pass the day before the window opens leaves renewal due."""
    assert status([START, review("2025-11-29", 95)], "2025-12-01") is Status.RENEWAL_DUE


def test_the_pass_mark_is_the_cut_score_of_the_form_sat() -> None:
    """75% passes a form cut at 72.1 and fails one cut at 75.5; 72.06 fails 72.1 (never rounded)."""
    assert status([START, review("2025-12-01", 75, cut_score=72.1)], "2025-12-02") is Status.READY_TO_RENEW
    assert status([START, review("2025-12-01", 75, cut_score=75.5)], "2025-12-02") is Status.RENEWAL_DUE
    assert status([START, review("2025-12-01", 72.06, cut_score=72.1)], "2025-12-02") is Status.RENEWAL_DUE


def test_a_legacy_review_without_a_cut_score_is_read_against_80() -> None:
    """An old line (no cut score) passes at 80 and not at 79.9, as the office decided it then."""
    assert status([START, review("2025-12-01", 80, cut_score=None)], "2025-12-02") is Status.READY_TO_RENEW
    assert status([START, review("2025-12-01", 79.9, cut_score=None)], "2025-12-02") is Status.RENEWAL_DUE


def test_events_after_the_date_are_ignored() -> None:
    """A review and a renewal dated after D do not change the status on D."""
    events = [START, review("2025-12-10", 90), renewed("2025-12-11")]
    assert status(events, "2025-12-09") is Status.RENEWAL_DUE


# Renewal -------------------------------------------------------------------------------------

def test_an_early_renewal_starts_the_next_cycle_at_the_old_expiry() -> None:
    """Renewed in the window, the new cycle runs from 2026-02-28 to 2028-02-28."""
    reading = status_on([START, review("2025-12-01", 90), renewed("2025-12-02")], day("2025-12-03"))
    assert reading.status is Status.CERTIFIED
    assert (reading.cycle.starts_on, reading.expires_on) == (day("2026-02-28"), day("2028-02-28"))  # type: ignore[union-attr]


def test_a_renewal_in_the_grace_months_also_starts_at_the_old_expiry() -> None:
    """Renewed while lapsed, the new cycle still starts on the old expires_on."""
    reading = status_on([START, review("2026-05-01", 90), renewed("2026-05-02")], day("2026-06-01"))
    assert reading.status is Status.CERTIFIED and reading.expires_on == day("2028-02-28")


def test_a_renewal_on_the_last_day_of_grace_needs_no_supervision() -> None:
    """grace_ends_on is inclusive."""
    reading = status_on([START, review("2026-08-28", 90), renewed("2026-08-28")], day("2026-09-01"))
    assert reading.status is Status.CERTIFIED


def test_a_renewal_and_its_review_on_the_same_day_are_applied_review_first() -> None:
    """The log may list the renewal first; the same-day order puts the review before it."""
    events = [START, renewed("2025-12-01", line=3), review("2025-12-01", 90)]
    assert status(events, "2025-12-01") is Status.CERTIFIED


def test_a_renewed_coach_reads_certified_with_the_day_the_renewal_was_recorded() -> None:
    """The status stays certified; renewed_on is the renewal's own day, not the new cycle's start."""
    reading = status_on([START, review("2025-12-01", 90), renewed("2025-12-06")], day("2025-12-07"))
    assert (reading.status, reading.renewed_on) == (Status.CERTIFIED, day("2025-12-06"))
    assert reading.cycle.starts_on == day("2026-02-28")  # type: ignore[union-attr]


def test_a_first_certification_and_the_days_before_a_renewal_have_no_renewed_on() -> None:
    """Empty for a first certification's cycle, and on a day before the renewal was recorded."""
    events = [START, review("2025-12-01", 90), renewed("2025-12-06")]
    assert status_on([START], day("2025-01-01")).renewed_on is None
    assert status_on(events, day("2025-12-05")).renewed_on is None


def test_renewed_on_follows_the_latest_renewal_and_ends_with_a_new_certification_or_a_revocation() -> None:
    """A second renewal replaces the day; a revocation or a fresh certification clears it."""
    events = [START, review("2025-12-01", 90), renewed("2025-12-06"), review("2027-12-01", 90),
              renewed("2027-12-02")]
    assert status_on(events, day("2027-12-03")).renewed_on == day("2027-12-02")
    revoked = [*events, committee("2028-01-01", "revoked")]
    assert status_on(revoked, day("2028-01-02")).renewed_on is None
    assert status_on([*revoked, certified("2028-02-01")], day("2028-02-02")).renewed_on is None


def test_a_renewed_coach_keeps_renewed_on_through_the_rest_of_the_cycle() -> None:
    """Later statuses of the renewed cycle (renewal due, lapsed) still say which renewal began it."""
    events = [START, review("2025-12-01", 90), renewed("2025-12-06")]
    reading = status_on(events, day("2028-03-01"))
    assert (reading.status, reading.renewed_on) == (Status.LAPSED, day("2025-12-06"))


def test_a_renewal_without_a_counting_review_breaks_the_rules() -> None:
    """Renewing with no review since the window opened names the renewal's line."""
    with pytest.raises(RuleViolation, match="without a review passed") as error:
        status_on([START, review("2025-11-01", 95), renewed("2025-12-01", line=7)], day("2025-12-02"))
    assert error.value.line == 7


def test_a_renewal_before_the_review_it_relies_on_breaks_the_rules() -> None:
    """The review must be dated on or before the renewal."""
    with pytest.raises(RuleViolation):
        status_on([START, renewed("2025-12-01"), review("2025-12-02", 95)], day("2025-12-03"))


def test_a_renewal_that_breaks_the_rules_is_reported_even_after_the_date_read() -> None:
    """The whole history must obey the rules, not only the part up to D."""
    with pytest.raises(RuleViolation):
        status_on([START, renewed("2025-12-01")], day("2025-01-01"))


LATE = [START, review("2026-09-01", 90)]  # grace ended 2026-08-28


def test_after_grace_six_hours_with_one_supervisor_and_their_competent_verdict_renew() -> None:
    """The new cycle then starts on the renewal date."""
    events = [*LATE, supervision("2026-09-02", "Dr A", 4), supervision("2026-09-09", "Dr A", 2),
              verdict("2026-09-10", "Dr A", "competent"), renewed("2026-09-15")]
    reading = status_on(events, day("2026-09-15"))
    assert reading.status is Status.CERTIFIED
    assert (reading.cycle.starts_on, reading.expires_on) == (day("2026-09-15"), day("2028-09-15"))  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "evidence",
    [
        pytest.param([supervision("2026-09-02", "Dr A", 5.5), verdict("2026-09-10", "Dr A", "competent")],
                     id="fewer-than-six-hours"),
        pytest.param([supervision("2026-09-02", "Dr A", 3), supervision("2026-09-03", "Dr B", 3),
                      verdict("2026-09-10", "Dr A", "competent")], id="hours-split-between-supervisors"),
        pytest.param([supervision("2026-08-28", "Dr A", 6), verdict("2026-09-10", "Dr A", "competent")],
                     id="hours-logged-on-the-last-day-of-grace"),
        pytest.param([supervision("2026-09-02", "Dr A", 6), verdict("2026-09-10", "Dr B", "competent")],
                     id="verdict-from-another-supervisor"),
        pytest.param([supervision("2026-09-02", "Dr A", 6)], id="no-verdict"),
        pytest.param([supervision("2026-09-02", "Dr A", 6), verdict("2026-09-30", "Dr A", "competent")],
                     id="verdict-after-the-renewal"),
    ],
)
def test_a_late_renewal_without_full_supervision_breaks_the_rules(evidence: list) -> None:  # type: ignore[type-arg]
    """Every part of the supervision requirement is needed."""
    with pytest.raises(RuleViolation, match="supervision hours"):
        status_on([*LATE, *evidence, renewed("2026-09-20")], day("2026-09-20"))


def test_a_late_renewal_still_needs_a_counting_review() -> None:
    """Supervision does not replace the ethics review."""
    events = [START, supervision("2026-09-02", "Dr A", 6), verdict("2026-09-10", "Dr A", "competent"),
              renewed("2026-09-20")]
    with pytest.raises(RuleViolation, match="without a review passed"):
        status_on(events, day("2026-09-20"))


# The committee -------------------------------------------------------------------------------

def test_a_not_competent_verdict_refers_the_coach_to_the_committee() -> None:
    """Referred wins over every date-based status."""
    assert status([START, verdict("2025-01-01", "Dr A", "not_competent")], "2025-01-02") is Status.REFERRED


def test_a_cleared_decision_returns_the_coach_to_the_status_the_dates_give() -> None:
    """After clearing, the coach in the window reads renewal_due."""
    events = [START, verdict("2025-01-01", "Dr A", "not_competent"), committee("2025-02-01", "cleared")]
    assert status(events, "2025-12-01") is Status.RENEWAL_DUE


def test_a_suspension_holds_until_a_later_cleared_decision() -> None:
    """Suspended stays suspended through expiry, then clears."""
    events = [START, committee("2025-01-01", "suspended")]
    assert status(events, "2026-12-01") is Status.SUSPENDED
    assert status([*events, committee("2026-12-02", "cleared")], "2026-12-03") is Status.SUPERVISION_REQUIRED


def test_a_revocation_is_final_until_a_new_certification() -> None:
    """Cleared does not undo a revocation; a new certified event starts afresh."""
    events = [START, committee("2025-01-01", "revoked"), committee("2025-02-01", "cleared")]
    reading = status_on(events, day("2025-03-01"))
    assert reading.status is Status.REVOKED and reading.cycle is None
    fresh = status_on([*events, certified("2025-06-01")], day("2025-06-02"))
    assert fresh.status is Status.CERTIFIED and fresh.expires_on == day("2027-06-01")


def test_the_committee_outranks_the_dates_in_the_issue_order() -> None:
    """Revoked beats suspended beats referred."""
    events = [START, committee("2025-01-01", "suspended"), verdict("2025-01-02", "Dr A", "not_competent")]
    assert status(events, "2025-01-03") is Status.SUSPENDED


@pytest.mark.parametrize("standing", [
    [verdict("2025-12-01", "Dr A", "not_competent")],
    [committee("2025-12-01", "suspended")],
    [committee("2025-12-01", "revoked")],
])
def test_a_renewal_while_referred_suspended_or_revoked_breaks_the_rules(standing: list) -> None:  # type: ignore[type-arg]
    """The office cannot renew a coach the committee is dealing with."""
    with pytest.raises(RuleViolation, match="renewed"):
        status_on([START, review("2025-12-01", 90), *standing, renewed("2025-12-02")], day("2025-12-03"))


# Charges -------------------------------------------------------------------------------------

def test_a_charge_reported_within_ten_days_raises_no_flag() -> None:
    """Reported exactly ten days later is in time."""
    reading = status_on([START, charged("2025-01-01"), charge_reported("2025-01-11")], day("2025-02-01"))
    assert reading.flags == ()


def test_a_charge_reported_after_ten_days_is_flagged_late() -> None:
    """Eleven days is late, and the flag stays."""
    reading = status_on([START, charged("2025-01-01"), charge_reported("2025-01-12")], day("2025-06-01"))
    assert reading.flags == (Flag.LATE_CHARGE_REPORT,)


def test_an_unreported_charge_is_flagged_once_ten_days_have_passed() -> None:
    """Not flagged on day ten; flagged on day eleven."""
    events = [START, charged("2025-01-01")]
    assert status_on(events, day("2025-01-11")).flags == ()
    assert status_on(events, day("2025-01-12")).flags == (Flag.UNREPORTED_CHARGE,)


def test_a_report_dated_after_the_date_read_leaves_the_charge_unreported_on_that_date() -> None:
    """Events after D are ignored, reports included."""
    events = [START, charged("2025-01-01"), charge_reported("2025-03-01")]
    assert status_on(events, day("2025-02-01")).flags == (Flag.UNREPORTED_CHARGE,)


def test_a_report_without_a_charge_breaks_the_rules() -> None:
    """charge_reported needs an earlier unreported charge."""
    with pytest.raises(RuleViolation, match="without an earlier unreported charge") as error:
        status_on([START, charge_reported("2025-01-01", line=5)], day("2025-02-01"))
    assert error.value.line == 5


def test_the_reporting_deadline_is_a_setting() -> None:
    """With 30 days allowed, a report after 20 days is in time."""
    events = [START, charged("2025-01-01"), charge_reported("2025-01-21")]
    assert status_on(events, day("2025-02-01"), RenewalRules(charge_report_days=30)).flags == ()


# History shape -------------------------------------------------------------------------------

def test_an_event_before_the_first_certification_breaks_the_rules() -> None:
    """A review before the coach was ever certified is reported."""
    with pytest.raises(RuleViolation, match="before the coach's first certification"):
        status_on([review("2024-01-01", 90), START], day("2025-01-01"))


def test_status_on_reads_one_coach_at_a_time() -> None:
    """Mixing coaches is a programming error, not a rule violation."""
    with pytest.raises(ValueError, match="one coach"):
        status_on([START, certified("2024-01-01", coach_id="C2")], date(2025, 1, 1))


# The whole-log fold ----------------------------------------------------------------------------

def test_replay_reads_several_coaches_in_one_pass() -> None:
    """Each coach's state starts afresh at that coach's certification."""
    from trainingkit.renewal.events import Decision, EventKind

    table = replay(
        ["A", "B"], [0, 2, 3],
        [day("2024-01-01"), day("2024-02-01"), day("2024-01-01")],
        [EventKind.CERTIFIED, EventKind.COMMITTEE, EventKind.CERTIFIED],
        [None, Decision.SUSPENDED, None],
        day("2024-03-01"),
    )
    assert list(table.statuses) == [Status.SUSPENDED, Status.CERTIFIED]
    assert list(table.renewals) == [None, None]


@pytest.mark.parametrize("starts", [[0, 1], [0, 0, 1], [1, 1, 1], [0, 1, 2, 3]])
def test_replay_refuses_positions_that_do_not_match_the_columns(starts: list[int]) -> None:
    """Starts must give each coach at least one event, in order, and end at the columns' end."""
    from trainingkit.renewal.events import EventKind

    with pytest.raises(ValueError, match="first position"):
        replay(["A", "B"], starts, [day("2024-01-01")], [EventKind.CERTIFIED], [None], day("2025-01-01"))
