"""The rows of an event log, checked and coded column by column (vectorised).

pandas hands over every column except ``coach_id`` as categorical codes: each
row holds a small integer, and each distinct text is stored (and checked)
once. A check therefore looks at the few distinct values of a column (dates,
event names, numbers) or at the distinct combinations of an event's details,
which the one row-level rule, :func:`.events.event_problem`, decides. Every
check runs over every row, so one :class:`.eventlog.EventLogError` names all
the problems (the first :data:`.eventlog.SHOWN_PROBLEMS` in file order, each
with its line and column; the rest counted). An event whose kind or numbers
cannot be read is not checked further. The checked rows are then sorted into
an :class:`.eventlog.EventLog`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from .dates import parse_iso_date
from .eventlog import SHOWN_PROBLEMS, EventLog, EventLogError, LogProblem
from .events import (
    DETAIL_COLUMNS,
    EVENT_COLUMNS,
    Decision,
    DetailProblem,
    Event,
    EventKind,
    ReviewResult,
    Verdict,
    did_you_mean,
    event_problem,
    one_of,
    same_day_rank,
)

__all__ = ["CATEGORICAL_COLUMNS", "Coded", "LogColumns"]

#: Columns pandas parses as categorical (few distinct values); ``coach_id`` is plain text.
CATEGORICAL_COLUMNS = ("date", "event", "supervisor", "hours", "score", "outcome", "cut_score", "form")

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_OUTCOMES: dict[str, Verdict | Decision] = {member.value: member for member in (*Verdict, *Decision)}
_KINDS = tuple(EventKind)
_KIND_CODE = {kind: code for code, kind in enumerate(_KINDS)}


@dataclass(frozen=True, slots=True)
class Coded:
    """A column as a code per row into its distinct ``values`` (texts)."""

    codes: np.ndarray
    values: Sequence[str]

    @classmethod
    def of_categorical(cls, column: pd.Series) -> Coded:
        """Take pandas' categorical codes and categories (a missing field reads as ``""``)."""
        codes = column.cat.codes.to_numpy().astype(np.int64)
        values = [str(value) for value in column.cat.categories]
        if (codes < 0).any():
            codes[codes < 0] = len(values)
            values.append("")
        return cls(codes, values)

    def rows(self, mask_of_values: np.ndarray) -> np.ndarray:
        """Return, per row, the entry of ``mask_of_values`` (one entry per distinct value)."""
        return mask_of_values[self.codes]

    def filled(self) -> np.ndarray:
        """Which rows are not empty."""
        return self.rows(np.asarray([value != "" for value in self.values], dtype=bool))


@dataclass(frozen=True, slots=True)
class _Check:
    """The rows one check refuses (``bad``, one entry per row), their column and their message.

    ``message`` is a function of the row, so that it is only built for the
    problems that are listed.
    """

    column: str
    bad: np.ndarray
    message: Callable[[int], str]


def _refusing(column: str, bad: np.ndarray, message: Callable[[int], str]) -> list[_Check]:
    """Return the check as a list of one if it refuses any row, else an empty list."""
    return [_Check(column, bad, message)] if bad.any() else []


def _log_error(path: Path, checks: Sequence[_Check], lines: np.ndarray) -> EventLogError:
    """Return the error listing the first problems in file order (then column order), counting all."""
    total = sum(int(check.bad.sum()) for check in checks)
    first: list[tuple[int, int, _Check]] = []
    for check in checks:  # the first SHOWN_PROBLEMS overall are among each check's first
        rows = np.flatnonzero(check.bad)[:SHOWN_PROBLEMS].tolist()
        first += [(row, EVENT_COLUMNS.index(check.column), check) for row in rows]
    first.sort(key=lambda found: found[:2])
    problems = [LogProblem(int(lines[row]), check.column, check.message(row))
                for row, _, check in first[:SHOWN_PROBLEMS]]
    return EventLogError.of_problems(path, problems, total=total)


@dataclass(frozen=True, eq=False)
class LogColumns:
    """The checked rows as coded columns (one entry per event)."""

    coach_codes: np.ndarray  # index into coach_ids
    coach_ids: np.ndarray  # sorted distinct coach ids
    date_codes: np.ndarray  # index into dates
    dates: np.ndarray  # distinct dates, as datetime.date objects
    kind_codes: np.ndarray  # index into _KINDS
    details: np.ndarray  # what each event's kind needs (see rules.detail_of)
    lines: np.ndarray  # file line, or -1 for events from elsewhere

    @classmethod
    def check(
        cls,
        path: Path,
        coach: np.ndarray,
        coded: dict[str, Coded],
        lines: np.ndarray,
        *,
        one_row_per_line: bool,
    ) -> LogColumns:
        """Check every row; raise naming every problem found, else return the columns.

        ``coach`` is the coach_id text per row, ``coded`` the other columns.
        """
        empty_coach = coach == ""
        if empty_coach.any():
            blank = empty_coach & np.logical_and.reduce(
                [~column.filled() for column in coded.values()])
            if blank.any():  # a blank line: skip it
                keep = ~blank
                coach, lines, empty_coach = coach[keep], lines[keep], empty_coach[keep]
                coded = {name: Coded(column.codes[keep], column.values)
                         for name, column in coded.items()}

        checks = _refusing("coach_id", empty_coach, lambda row: "coach_id is empty")
        if not one_row_per_line:
            checks += _line_break_checks(coach, coded)
        kind_codes, kind_checks = _kinds(coded["event"])
        date_codes, dates, date_checks = _dates(coded["date"])
        hours, hours_checks = _numbers(coded["hours"], "hours")
        scores, score_checks = _numbers(coded["score"], "score")
        cuts, cut_checks = _numbers(coded["cut_score"], "cut_score")
        checks += kind_checks + date_checks + hours_checks + score_checks + cut_checks
        readable = kind_codes >= 0  # rows whose details can be judged: known kind, numbers read
        for check in hours_checks + score_checks + cut_checks:
            readable &= ~check.bad
        checks += _detail_checks(kind_codes, coded, hours, scores, cuts, readable)
        if checks:
            raise _log_error(path, checks, lines)

        coach_codes, coach_ids = _sorted_codes(coach)
        details = _details(kind_codes, coded, hours, scores, cuts)
        return cls(coach_codes, coach_ids, date_codes, dates, kind_codes, details, lines)

    def with_reviews(self, reviews: list[Event]) -> LogColumns:
        """Add the results register's ``reviews`` of coaches the log has certified by the review's date."""
        first_certified = self._first_certified() if reviews else {}
        kept = [
            review
            for review in reviews
            if review.kind is EventKind.REVIEW
            and review.coach_id in first_certified
            and first_certified[review.coach_id] <= review.on
        ]
        if not kept:
            return self
        dates = np.concatenate([self.dates, _object_array([review.on for review in kept])])
        position = {coach_id: index for index, coach_id in enumerate(self.coach_ids.tolist())}
        return LogColumns(
            coach_codes=np.concatenate([
                self.coach_codes,
                np.asarray([position[review.coach_id] for review in kept], dtype=np.int64),
            ]),
            coach_ids=self.coach_ids,
            date_codes=np.concatenate([self.date_codes, np.arange(len(self.dates), len(dates))]),
            dates=dates,
            kind_codes=np.concatenate([
                self.kind_codes, np.full(len(kept), _KIND_CODE[EventKind.REVIEW], dtype=np.int64)
            ]),
            details=np.concatenate([self.details, _object_array([review.review for review in kept])]),
            lines=np.concatenate([self.lines, np.full(len(kept), -1, dtype=np.int64)]),
        )

    def _first_certified(self) -> dict[str, date]:
        """Return each coach's first certification date."""
        certified = self.kind_codes == _KIND_CODE[EventKind.CERTIFIED]
        firsts: dict[str, date] = {}
        for coach_code, date_code in zip(self.coach_codes[certified].tolist(),
                                         self.date_codes[certified].tolist(), strict=True):
            coach_id, on = self.coach_ids[coach_code], self.dates[date_code]
            if coach_id not in firsts or on < firsts[coach_id]:
                firsts[coach_id] = on
        return firsts

    def event_log(self, path: str) -> EventLog:
        """Sort by coach, date, same-day rank and file order; return the log."""
        ordinals = np.asarray([0 if on is None else on.toordinal() for on in self.dates], dtype=np.int64)  # None: unused
        # one rank per day: the results register's reviews add their days again (with_reviews), and a
        # review must still sort before a renewal recorded in the log on the same day
        date_rank = np.unique(ordinals, return_inverse=True)[1].reshape(-1).astype(np.int64)
        kind_rank = np.asarray([same_day_rank(kind) for kind in _KINDS], dtype=np.int64)
        if len(self.coach_ids) * max(len(self.dates), 1) >= 2**59:  # pragma: no cover
            raise EventLogError(path, None, "the event log is too large to sort")
        key = (self.coach_codes * len(self.dates) + date_rank[self.date_codes]) * 8
        key += kind_rank[self.kind_codes]
        order = np.argsort(key, kind="stable")
        starts = np.flatnonzero(np.diff(self.coach_codes[order], prepend=-1)).tolist()
        starts.append(len(order))
        return EventLog(
            path=path,
            coach_ids=self.coach_ids.tolist(),
            starts=starts,
            whens=self.dates[self.date_codes[order]].tolist(),
            kinds=_object_array(list(_KINDS))[self.kind_codes[order]].tolist(),
            details=self.details[order].tolist(),
            lines=self.lines[order],
        )


def _object_array(values: Sequence[object]) -> np.ndarray:
    """Return ``values`` as a one-dimensional object array (tuples stay whole)."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _sorted_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Factorize ``values`` so that codes follow the sorted order of the distinct values.

    The same result as ``pd.factorize(values, sort=True)``, faster: the
    distinct strings are sorted as a fixed-width numpy array (same code point
    order as Python's), unless they are long or hold NUL characters, which
    numpy strings cannot keep.
    """
    codes, uniques = pd.factorize(values)
    distinct = uniques.tolist()
    if len(distinct) > 1 and max(map(len, distinct)) <= 64 and "\0" not in "".join(distinct):
        order = np.argsort(np.array(distinct, dtype=str), kind="stable")
    else:
        order = np.asarray(sorted(range(len(distinct)), key=distinct.__getitem__), dtype=np.int64)
    rank = np.empty(len(distinct), dtype=np.int64)
    rank[order] = np.arange(len(distinct))
    return rank[codes], _object_array(distinct)[order]


def _line_break_checks(coach: np.ndarray, coded: dict[str, Coded]) -> list[_Check]:
    """Refuse rows with a line break in a field (a quoted multi-line field), column by column."""
    def broken(text: str) -> bool:
        return "\n" in text or "\r" in text

    def message(row: int) -> str:
        return "a field spans more than one line"

    checks = _refusing("coach_id", np.asarray([broken(text) for text in coach.tolist()], dtype=bool),
                       message)
    for name, column in coded.items():
        checks += _refusing(name, column.rows(np.asarray([broken(text) for text in column.values],
                                                         dtype=bool)), message)
    return checks


def _kinds(column: Coded) -> tuple[np.ndarray, list[_Check]]:
    """Code the event column as positions in ``_KINDS`` (-1 if unknown); refuse unknown events."""
    known = {kind.value: code for kind, code in _KIND_CODE.items()}
    codes = column.rows(np.asarray([known.get(value, -1) for value in column.values] or [-1],
                                   dtype=np.int64))

    def message(row: int) -> str:
        value = column.values[column.codes[row]]
        what = f"unknown event {value!r}" if value else "event is empty"
        return f"{what}: the events are {one_of(_KINDS)}{did_you_mean(value, _KINDS)}"

    return codes, _refusing("event", codes < 0, message)


def _dates(column: Coded) -> tuple[np.ndarray, np.ndarray, list[_Check]]:
    """Check the date column; return codes, the distinct dates and the check refusing bad dates."""
    parsed: list[date | None] = []
    reasons: dict[int, str] = {}
    for index, text in enumerate(column.values):
        try:
            parsed.append(parse_iso_date(text))
        except ValueError as error:
            parsed.append(None)
            reasons[index] = f"date {error}" if text else "date is empty"
    checks: list[_Check] = []
    if reasons:
        bad = np.zeros(len(column.values), dtype=bool)
        bad[list(reasons)] = True
        checks = _refusing("date", column.rows(bad), lambda row: reasons[int(column.codes[row])])
    return column.codes, _object_array(parsed), checks


def _numbers(column: Coded, name: str) -> tuple[np.ndarray, list[_Check]]:
    """Check a number column; return the number of each distinct value (NaN if empty or bad)."""
    numbers = np.full(len(column.values), np.nan)
    bad = np.zeros(len(column.values), dtype=bool)
    for index, text in enumerate(column.values):
        if text == "":
            continue
        if _NUMBER.fullmatch(text) and math.isfinite(number := float(text)):
            numbers[index] = number
        else:
            bad[index] = True
    checks = _refusing(name, column.rows(bad),
                       lambda row: f"{name} {column.values[column.codes[row]]!r} is not a number")
    return numbers, checks


def _detail_checks(
    kind_codes: np.ndarray, coded: dict[str, Coded], hours: np.ndarray, scores: np.ndarray,
    cuts: np.ndarray, readable: np.ndarray,
) -> list[_Check]:
    """Apply :func:`.events.event_problem` to each distinct combination of details of ``readable`` rows.

    A review's cut score and form are combined in for review rows only, so the other events
    (which ignore those columns) make no more combinations than before.
    """
    outcomes, forms = coded["outcome"].values, coded["form"].values
    is_review = kind_codes == _KIND_CODE[EventKind.REVIEW]
    review_codes = (np.where(is_review, coded["cut_score"].codes, 0),
                    np.where(is_review, coded["form"].codes, 0))
    sizes = (len(hours) or 1, len(scores) or 1, len(outcomes) or 1, len(cuts) or 1, len(forms) or 1)
    key = np.where(readable, kind_codes, 0)
    for codes, size in zip((coded["hours"].codes, coded["score"].codes, coded["outcome"].codes, *review_codes),
                           sizes, strict=True):
        key = key * size + codes
    key = key * 2 + coded["supervisor"].filled()
    combination_codes, combinations = pd.factorize(key)
    found: dict[int, DetailProblem] = {}
    for index, combination in enumerate(combinations.tolist()):
        combination, has_supervisor = divmod(combination, 2)
        combination, form_code = divmod(combination, sizes[4])
        combination, cut_code = divmod(combination, sizes[3])
        combination, outcome_code = divmod(combination, sizes[2])
        combination, score_code = divmod(combination, sizes[1])
        kind_code, hours_code = divmod(combination, sizes[0])
        problem = event_problem(
            _KINDS[kind_code],
            supervisor="someone" if has_supervisor else None,
            hours=_number_or_none(hours, hours_code),
            score=_number_or_none(scores, score_code),
            outcome=outcomes[outcome_code] if outcomes else None,
            cut_score=_number_or_none(cuts, cut_code),
            form=forms[form_code] if forms else None,
        )
        if problem:
            found[index] = problem
    checks: list[_Check] = []
    for name in DETAIL_COLUMNS:
        bad = np.zeros(len(combinations), dtype=bool)
        bad[[index for index, problem in found.items() if problem.column == name]] = True
        checks += _refusing(name, bad[combination_codes] & readable,
                            lambda row: found[int(combination_codes[row])].message)
    return checks


def _number_or_none(numbers: np.ndarray, code: int) -> float | None:
    """Return ``numbers[code]``, or ``None`` for an empty field."""
    if not len(numbers) or math.isnan(numbers[code]):
        return None
    return float(numbers[code])


def _details(
    kind_codes: np.ndarray, coded: dict[str, Coded], hours: np.ndarray, scores: np.ndarray, cuts: np.ndarray
) -> np.ndarray:
    """Return each event's detail, shaped as :func:`.rules.detail_of` shapes it.

    Built column-wise rather than by calling ``detail_of`` per row; a test
    holds the two to the same result.
    """
    details = np.full(len(kind_codes), None, dtype=object)
    # One Python object per distinct value, shared by every row that has it.
    supervisors = _object_array(list(coded["supervisor"].values))
    outcomes = _object_array([_OUTCOMES.get(value, value) for value in coded["outcome"].values])
    hour_objects = _object_array(hours.tolist())
    for code, kind in enumerate(_KINDS):
        rows = np.flatnonzero(kind_codes == code)
        if kind is EventKind.REVIEW:
            details[rows] = _review_results(rows, coded, scores, cuts)
        elif kind in (EventKind.SUPERVISION, EventKind.VERDICT):
            who = supervisors[coded["supervisor"].codes[rows]].tolist()
            what = (hour_objects[coded["hours"].codes[rows]].tolist() if kind is EventKind.SUPERVISION
                    else outcomes[coded["outcome"].codes[rows]].tolist())
            details[rows] = _object_array(list(zip(who, what, strict=True)))
        elif kind is EventKind.COMMITTEE:
            details[rows] = outcomes[coded["outcome"].codes[rows]]
    return details


def _review_results(rows: np.ndarray, coded: dict[str, Coded], scores: np.ndarray,
                    cuts: np.ndarray) -> np.ndarray:
    """One :class:`.events.ReviewResult` per distinct (score, cut score, form) of the review ``rows``."""
    sizes = (len(coded["cut_score"].values) or 1, len(coded["form"].values) or 1)
    key = (coded["score"].codes[rows] * sizes[0] + coded["cut_score"].codes[rows]) * sizes[1]
    key += coded["form"].codes[rows]
    codes, distinct = pd.factorize(key)
    results = []
    for combination in distinct.tolist():
        combination, form_code = divmod(combination, sizes[1])
        score_code, cut_code = divmod(combination, sizes[0])
        results.append(ReviewResult.of(float(scores[score_code]), _number_or_none(cuts, cut_code),
                                       coded["form"].values[form_code] if coded["form"].values else None))
    return _object_array(results)[codes]
