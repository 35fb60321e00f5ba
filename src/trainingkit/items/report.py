"""The item analysis of one assignment, as the CSV ``trainingkit items`` prints.

Item CSV (one row per item, in the order trainees meet them):

``item, domain, kind, trainees, max_points, facility, sd, discrimination,
discriminative_efficiency, flags, no_answer, chose_<option>...``

``trainees`` counts the fully graded trainees the statistics rest on; ``facility``, ``sd``,
``discrimination`` and ``discriminative_efficiency`` are fractions, as defined in
:mod:`trainingkit.items.analysis`; ``flags`` lists the :class:`~trainingkit.items.settings.Flag`
values joined by ``;``; ``no_answer`` and ``chose_<option>`` are the shares of those trainees
who chose nothing or that option (empty for reflections and for options an item lacks).

Summary CSV (``--summary``; one row): ``assignment, trainees, not_fully_graded, items,
max_points, mean_points, median_points, sd_points, cic, error_ratio, standard_error_points``.

Reliability CSV (``--reliability``; one row): ``assignment, trainees, items, max_points,
coefficient_name, coefficient, sd_points, sem_points, cut_percent, cut_points,
sem_at_cut_points, pass_rate, decision_consistency, kappa`` (see
:mod:`trainingkit.items.reliability` for each definition and its source).

Retirements CSV (``--retirements``): ``item, trainees, facility, discrimination, reasons,
action, bank_line``, one row per item the retirement rule flags.

Empty fields mean "cannot be computed" (for example fewer than two trainees).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from trainingkit.bank.model import Vignette
from trainingkit.course import Course
from trainingkit.items.analysis import (AssignmentStatistics, assignment_statistics, fully_graded, item_statistics,
                                        option_shares, scores_table)
from trainingkit.items.reliability import reliability, retirement_proposals
from trainingkit.items.settings import DEFAULT_RANGES, DEFAULT_RETIREMENT, HealthyRanges, RetirementRule

__all__ = ["ItemReport", "NoGradesError", "analyse", "item_report", "items_csv", "reliability_csv", "retirements_csv",
           "summary_csv"]

#: Columns holding fractions, printed with four decimals.
_FRACTIONS = ("facility", "sd", "discrimination", "discriminative_efficiency", "cic", "error_ratio")


class NoGradesError(LookupError):
    """There is nothing to analyse; the message names the assignment and the gradebook."""


@dataclass(frozen=True)
class ItemReport:
    """One assignment's item statistics, its overall statistics, and any files that could not be read."""

    assignment_id: str
    items: pd.DataFrame
    summary: AssignmentStatistics
    problems: tuple[str, ...] = ()
    #: The scores of the fully graded trainees (trainees by items) and the items' maximum points.
    scores: pd.DataFrame | None = None
    max_points: pd.Series | None = None
    #: The assignment's pass mark in percent (a fixed form's cut score), if it has one.
    pass_mark: float | None = None


def analyse(scores: pd.DataFrame, choices: pd.DataFrame, vignettes: Sequence[Vignette], *,
            ranges: HealthyRanges = DEFAULT_RANGES) -> tuple[pd.DataFrame, AssignmentStatistics]:
    """Item rows and test statistics from long-form scores (``trainee, item, score, max_score``)
    and choices (``trainee, item, option``) of one assignment; items in ``vignettes`` order."""
    table, max_points = scores_table(scores)
    order = [v.id for v in vignettes if v.id in table.columns]
    order += [item for item in table.columns if item not in set(order)]
    table, max_points = table.loc[:, order], max_points.reindex(order)
    statistics = item_statistics(table, max_points, ranges=ranges)
    by_id: Mapping[str, Vignette] = {v.id: v for v in vignettes}
    described = pd.DataFrame({
        "domain": [by_id[item].domain if item in by_id else "" for item in order],
        "kind": [by_id[item].kind.value if item in by_id else "" for item in order],
    }, index=statistics.index)
    options = {v.id: [option.id for option in v.options] for v in vignettes
               if v.kind.is_choice and v.id in table.columns}
    shares = option_shares(choices, options, fully_graded(table).index).reindex(statistics.index)
    items = pd.concat([described, statistics, shares], axis=1).reset_index()
    return items, assignment_statistics(table, max_points)


def item_report(*, course: Course, assignment_id: str, ranges: HealthyRanges = DEFAULT_RANGES) -> ItemReport:
    """Read the gradebook and submitted answers of ``assignment_id`` and analyse its items."""
    from trainingkit.build import load_course
    from trainingkit.items.sources import gradebook_exists, gradebook_label, load_scores, read_choices

    bank, assignments = load_course(course)
    if assignment_id not in assignments:
        raise KeyError(f"no assignment named {assignment_id!r} in {course.assignments_file}")
    vignettes = assignments[assignment_id].vignettes(bank)
    if not gradebook_exists(course.db_url):
        raise NoGradesError(f"{assignment_id}: no gradebook at {gradebook_label(course.db_url)} "
                            "(run nbgrader autograde first)")
    scores = load_scores(course.db_url, [assignment_id])
    if scores.empty:
        raise NoGradesError(f"{assignment_id}: no graded submissions in {gradebook_label(course.db_url)}")
    trainees = sorted(scores["trainee"].unique())
    choices, problems = read_choices(course, assignment_id, trainees, vignettes)
    items, summary = analyse(scores, choices, vignettes, ranges=ranges)
    table, max_points = scores_table(scores)
    return ItemReport(assignment_id, items, summary, problems, fully_graded(table), max_points,
                      assignments[assignment_id].pass_mark)


def _formatted(frame: pd.DataFrame) -> str:
    frame = frame.copy()
    for column in frame.columns:
        values = frame[column]
        if column in _FRACTIONS or column == "no_answer" or column.startswith("chose_"):
            frame[column] = [f"{v:.4f}" if np.isfinite(v) else "" for v in values.astype(float)]
        elif values.dtype.kind == "f":
            frame[column] = [f"{v:g}" if np.isfinite(v) else "" for v in values]
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def items_csv(report: ItemReport) -> str:
    """The item CSV: one row per item (see the module documentation for the columns)."""
    return _formatted(report.items)


def summary_csv(report: ItemReport) -> str:
    """The summary CSV: the test statistics of the assignment in one row."""
    row = {"assignment": report.assignment_id, **asdict(report.summary)}
    frame = pd.DataFrame([row])
    for column in ("mean_points", "median_points", "sd_points", "standard_error_points"):
        frame[column] = [f"{v:.4f}" if np.isfinite(v) else "" for v in frame[column]]
    return _formatted(frame)


def reliability_csv(report: ItemReport, cut_percent: float | None = None) -> str:
    """The reliability CSV: one row, at ``cut_percent`` or else the assignment's pass mark."""
    if report.scores is None or report.max_points is None:
        raise ValueError(f"{report.assignment_id}: the report carries no scores to compute reliability from")
    cut = cut_percent if cut_percent is not None else report.pass_mark
    result = reliability(report.scores, report.max_points, cut)
    frame = pd.DataFrame([{"assignment": report.assignment_id, **asdict(result)}])
    for column in ("coefficient", "sd_points", "sem_points", "cut_points", "sem_at_cut_points", "pass_rate",
                   "decision_consistency", "kappa"):
        frame[column] = [f"{v:.4f}" if v is not None and np.isfinite(v) else "" for v in frame[column]]
    frame["cut_percent"] = ["" if v is None or not np.isfinite(v) else f"{v:g}" for v in frame["cut_percent"]]
    return _formatted(frame)


def retirements_csv(report: ItemReport, on: str, rule: RetirementRule = DEFAULT_RETIREMENT) -> str:
    """The retirements CSV: each item the rule flags, why, what to do, and the bank line if accepted."""
    rows = [{"item": p.item, "trainees": p.trainees, "facility": p.facility, "discrimination": p.discrimination,
             "reasons": "; ".join(p.reasons), "action": p.action,
             "bank_line": p.bank_line(report.assignment_id, on) if p.action != "watch" else ""}
            for p in retirement_proposals(report.items, rule)]
    columns = ["item", "trainees", "facility", "discrimination", "reasons", "action", "bank_line"]
    return _formatted(pd.DataFrame(rows, columns=columns))
