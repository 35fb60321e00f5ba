"""Tables for the certification office: the status and review CSVs, counts, lists, the summary.

pandas lives at this edge only; the rules hand over a :class:`StatusTable`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

import pandas as pd

from .cycle import Cycle
from .dates import add_months
from .events import exact
from .reviews import ReviewAttempts
from .status import Status, StatusTable

__all__ = [
    "REVIEW_COLUMNS",
    "STATUS_COLUMNS",
    "office_summary",
    "pseudonymised",
    "renewals_due_per_month",
    "review_csv",
    "review_frame",
    "status_counts",
    "status_csv",
    "status_frame",
]

#: The columns of the status CSV, in order (``renewed_on`` last, so readers of the five earlier ones
#: by position still read them).
STATUS_COLUMNS = ("coach_id", "status", "expires_on", "grace_ends_on", "flags", "renewed_on")

#: The columns of the review CSV (attempts in each coach's current cycle), in order.
REVIEW_COLUMNS = ("coach_id", "status", "review_attempts", "failed_reviews", "last_review_on",
                  "last_score", "last_cut_score", "last_form", "last_review_failed", "last_review")

#: The lists the office works from, in the order the summary shows them.
OFFICE_LISTS: tuple[tuple[Status, str], ...] = (
    (Status.RENEWAL_DUE, "Renewal due: window open, no passed review yet"),
    (Status.READY_TO_RENEW, "Ready to renew: review passed, renewal not recorded yet"),
    (Status.LAPSED, "Lapsed: expired, within the six months of grace"),
    (Status.SUPERVISION_REQUIRED, "Past the six months: supervision and a verdict required"),
    (Status.REFERRED, "Referred to the Professional Standards Committee"),
    (Status.SUSPENDED, "Suspended by the committee"),
)


def status_csv(table: StatusTable) -> str:
    """Return the status CSV text: header, then one row per coach in the table's order.

    Dates are ISO (empty without a cycle; ``renewed_on`` empty for a first certification's
    cycle), flags are joined by ``;``. Each distinct status, cycle, set of flags and renewal
    day is formatted once and looked up.
    """
    status_text = {status: status.value for status in Status}
    cycle_text = {cycle: _cycle_fields(cycle) for cycle in set(table.cycles)}
    flag_text = {flags: ";".join(flags) for flags in set(table.flags)}
    renewal_text = {day: _iso(day) for day in set(table.renewals)}
    coach_ids: Iterable[str] = table.coach_ids
    if any(character in "".join(table.coach_ids) for character in _NEEDS_QUOTES):
        coach_ids = map(_csv_field, table.coach_ids)
    rows = map(",".join, zip(
        coach_ids,
        map(status_text.__getitem__, table.statuses),
        map(cycle_text.__getitem__, table.cycles),
        map(flag_text.__getitem__, table.flags),
        map(renewal_text.__getitem__, table.renewals),
        strict=True,
    ))
    return "\n".join([",".join(STATUS_COLUMNS), *rows]) + "\n"


_NEEDS_QUOTES = ',"\r\n'


def _csv_field(text: str) -> str:
    """Quote ``text`` for CSV if it needs it (as the csv module's minimal quoting does)."""
    if any(character in text for character in _NEEDS_QUOTES):
        return '"' + text.replace('"', '""') + '"'
    return text


def _cycle_fields(cycle: Cycle | None) -> str:
    """Return ``expires_on,grace_ends_on`` of a cycle, or two empty fields."""
    if cycle is None:
        return ","
    return f"{cycle.expires_on.isoformat()},{cycle.grace_ends_on.isoformat()}"


def status_frame(table: StatusTable) -> pd.DataFrame:
    """Return the status table as a DataFrame (:data:`STATUS_COLUMNS`; dates as ``datetime.date`` or ``None``)."""
    return pd.DataFrame({
        "coach_id": pd.Series(table.coach_ids, dtype=object),
        "status": pd.Series([status.value for status in table.statuses], dtype=object),
        "expires_on": pd.Series([None if c is None else c.expires_on for c in table.cycles],
                                dtype=object),
        "grace_ends_on": pd.Series([None if c is None else c.grace_ends_on for c in table.cycles],
                                   dtype=object),
        "flags": pd.Series([";".join(flags) for flags in table.flags], dtype=object),
        "renewed_on": pd.Series(table.renewals, dtype=object),
    })


def review_frame(table: StatusTable, reviews: Sequence[ReviewAttempts]) -> pd.DataFrame:
    """Return one row per coach: status, review attempts and failures in the current cycle, the last one.

    ``reviews`` are in the table's order (:func:`.reviews.review_attempts`).
    ``last_score`` and ``last_cut_score`` are text as written in the log (``72``, ``85.5``),
    ``last_form`` the form's id (empty on a legacy line); ``last_review_failed`` is ``yes``,
    ``no`` or empty without a review; ``last_review`` says it as the office reads it,
    ``83.3 / 72.1`` (score / cut score), flagged on a legacy line.
    """
    if len(reviews) != len(table):
        raise ValueError("review_frame needs one ReviewAttempts per coach of the table")
    return pd.DataFrame({
        "coach_id": pd.Series(table.coach_ids, dtype=object),
        "status": pd.Series([status.value for status in table.statuses], dtype=object),
        "review_attempts": pd.Series([review.attempts for review in reviews], dtype="int64"),
        "failed_reviews": pd.Series([review.failed for review in reviews], dtype="int64"),
        "last_review_on": pd.Series([_iso(review.last_on) for review in reviews], dtype=object),
        "last_score": pd.Series(["" if review.last is None else exact(review.last.score)
                                 for review in reviews], dtype=object),
        "last_cut_score": pd.Series(["" if review.last is None else exact(review.last.cut_score)
                                     for review in reviews], dtype=object),
        "last_form": pd.Series(["" if review.last is None else review.last.form or "" for review in reviews],
                               dtype=object),
        "last_review_failed": pd.Series([_yes_no(review) for review in reviews], dtype=object),
        "last_review": pd.Series(["" if review.last is None else str(review.last) for review in reviews],
                                 dtype=object),
    }, columns=list(REVIEW_COLUMNS))


def review_csv(table: StatusTable, reviews: Sequence[ReviewAttempts]) -> str:
    """Return the review CSV text (:data:`REVIEW_COLUMNS`), one row per coach in the table's order."""
    return review_frame(table, reviews).to_csv(index=False, lineterminator="\n")


def _yes_no(review: ReviewAttempts) -> str:
    if not review.attempts:
        return ""
    return "yes" if review.last_failed else "no"


def status_counts(table: StatusTable) -> pd.Series:
    """Return the number of coaches in each status, every status listed, in rule order."""
    counts = pd.Series([status.value for status in table.statuses], dtype=object).value_counts()
    return pd.Series(
        [int(counts.get(status.value, 0)) for status in Status],
        index=pd.Index([status.value for status in Status], name="status"),
        name="coaches",
    )


def renewals_due_per_month(table: StatusTable, *, months: int = 24) -> pd.Series:
    """Count certifications expiring in each of ``months`` calendar months from ``table.on``.

    The first month is the month of ``table.on``; expiries before ``table.on``
    are past (those coaches are lapsed or beyond) and are not counted. Revoked
    certifications have no expiry. The index is the month as ``YYYY-MM``.
    """
    expiring = Counter(
        _month(cycle.expires_on) for cycle in table.cycles
        if cycle is not None and cycle.expires_on >= table.on
    )
    labels = [_month(add_months(table.on.replace(day=1), offset)) for offset in range(months)]
    return pd.Series(
        [expiring.get(label, 0) for label in labels],
        index=pd.Index(labels, name="month"),
        name="expiring",
        dtype="int64",
    )


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def pseudonymised(table: StatusTable) -> StatusTable:
    """Return the table with each coach_id replaced by ``coach-0001``, ``coach-0002``, ...

    Pseudonyms follow the table's order and hold within one report only.
    """
    width = max(4, len(str(len(table))))
    names = [f"coach-{number:0{width}d}" for number in range(1, len(table) + 1)]
    return replace(table, coach_ids=names)


def office_summary(
    table: StatusTable, *, source: str, due_per_month: pd.Series, reviews: Sequence[ReviewAttempts]
) -> str:
    """Return the Markdown summary for the office: counts, the working lists, reviews, flags."""
    frame = status_frame(table)
    counts = status_counts(table)
    lines = [
        f"# Certification renewal report, {table.on.isoformat()}",
        "",
        f"Generated by `trainingkit renewal report` from `{source}`; do not edit, regenerate.",
        "",
        "## Coaches per status",
        "",
        "| status | coaches |",
        "|---|---:|",
        *[f"| {status} | {count} |" for status, count in counts.items()],
        f"| **all** | **{int(counts.sum())}** |",
        "",
    ]
    for status, heading in OFFICE_LISTS:
        chosen = frame[frame["status"] == status.value].sort_values(["expires_on", "coach_id"])
        lines += [f"## {heading} ({len(chosen)})", ""]
        lines += _markdown_rows(chosen) if len(chosen) else ["None.", ""]
    lines += _review_section(table, reviews)
    flagged = frame[frame["flags"] != ""]
    lines += ["## Conduct flags (charges reported late or not reported)"
              f" ({len(flagged)})", ""]
    lines += _markdown_rows(flagged) if len(flagged) else ["None.", ""]
    lines += [
        f"## Certifications expiring per month (next {len(due_per_month)} months)",
        "",
        "| month | expiring |",
        "|---|---:|",
        *[f"| {month} | {count} |" for month, count in due_per_month.items()],
        "",
    ]
    return "\n".join(lines)


def _review_section(table: StatusTable, reviews: Sequence[ReviewAttempts]) -> list[str]:
    """The reviews taken in the current cycles, and the coaches whose latest one failed."""
    frame = review_frame(table, reviews)
    frame["expires_on"] = [_iso(None if cycle is None else cycle.expires_on) for cycle in table.cycles]
    taken = frame[frame["review_attempts"] > 0]
    failed = frame[frame["last_review_failed"] == "yes"].sort_values(["expires_on", "coach_id"])
    passed = frame[frame["last_review_failed"] == "no"].sort_values(["expires_on", "coach_id"])
    not_sat = frame[(frame["review_attempts"] == 0) & frame["status"].isin(
        [Status.RENEWAL_DUE.value, Status.LAPSED.value])].sort_values(["expires_on", "coach_id"])
    lines = [
        "## Ethics reviews in the current cycles",
        "",
        "A review passes at or above the cut score of the form sat (score / cut score below).",
        "",
        f"{int(frame['review_attempts'].sum())} attempts by {len(taken)} coaches, "
        f"{int(frame['failed_reviews'].sum())} of them failed.",
        "",
    ]
    for heading, chosen in ((f"Latest review failed: a retake is needed ({len(failed)})", failed),
                            (f"Latest review passed ({len(passed)})", passed)):
        lines += [f"## {heading}", ""]
        if not len(chosen):
            lines += ["None.", ""]
            continue
        lines += ["| coach_id | status | expires_on | attempts | failed | last review | score / cut score | form |",
                  "|---|---|---|---:|---:|---|---|---|"]
        for record in chosen.itertuples(index=False):
            lines.append(
                f"| {_cell(record.coach_id)} | {record.status} | {record.expires_on} | "
                f"{record.review_attempts} | {record.failed_reviews} | {record.last_review_on} | "
                f"{record.last_review} | {_cell(record.last_form)} |"
            )
        lines.append("")
    lines += [f"## Renewal due or lapsed, no review sat this cycle ({len(not_sat)})", ""]
    lines += ([f"| {_cell(record.coach_id)} | {record.status} | {record.expires_on} |"
               for record in not_sat.itertuples(index=False)] if len(not_sat) else ["None."])
    if len(not_sat):
        lines[-len(not_sat):-len(not_sat)] = ["| coach_id | status | expires_on |", "|---|---|---|"]
    return [*lines, ""]


def _markdown_rows(frame: pd.DataFrame) -> list[str]:
    """Return a Markdown table of coaches: id, status, expiry, end of grace, flags."""
    rows = ["| coach_id | status | expires_on | grace_ends_on | flags |", "|---|---|---|---|---|"]
    for record in frame.itertuples(index=False):
        rows.append(
            f"| {_cell(record.coach_id)} | {record.status} | {_iso(record.expires_on)} | "
            f"{_iso(record.grace_ends_on)} | {record.flags} |"
        )
    return [*rows, ""]


def _iso(day: date | None) -> str:
    return "" if day is None else day.isoformat()


def _cell(text: str) -> str:
    """Escape a value for a Markdown table cell."""
    return text.replace("|", "\\|")
