"""The technical report of a period's forms (``trainingkit forms --report FILE``), as one HTML page.

For each form: its blueprint match (areas and the rules each item covers), points, expected
score and cut score with its standard error, exposure of its items, and how far its scores
can be trusted:

* **once responses exist** (graded sittings of the form's assignment), KR-20/alpha, SEM, SEM at
  the cut and decision consistency as :func:`trainingkit.items.reliability.reliability` computes
  them from the scores;
* **before**, projected from item statistics (``trainingkit items ASSIGNMENT`` CSVs of earlier
  sittings and practice sets): with each item's score SD ``s_i`` (points) and discrimination
  ``r_i`` (correlation with the rest of its form), the total's SD is taken as ``sum r_i s_i`` and
  ``alpha = k / (k - 1) * (1 - sum s_i^2 / (sum r_i s_i)^2)`` (the item-reliability form of
  alpha, Gulliksen 1950, ch. 21; the rest-correlation makes it slightly conservative); SEM at the
  cut is Lord's binomial error (it needs only the form's length), and decision consistency is
  Subkoviak's estimate over coaches spread normally around the items' mean facility with that
  SD. Without statistics for every item, only Lord's SEM at the cut is given.

Items whose statistics break the retirement rule (facility outside 0.30-0.90, discrimination
below 0.20; :class:`~trainingkit.items.settings.RetirementRule`) are listed with the proposal.
Every text is escaped; the report holds no coach's name or answer.
"""

from __future__ import annotations

import csv
import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from trainingkit.bank.model import Vignette
from trainingkit.exam.angoff import Ratings, RatingsError
from trainingkit.exam.assemble import Form
from trainingkit.exam.blueprint import Blueprint
from trainingkit.exam.exposure import item_uses
from trainingkit.exam.forms import fixed_form_notes, report_rows, violations
from trainingkit.items.reliability import Reliability, lord_csem, retirement_proposals, subkoviak

STATISTICS_COLUMNS = ("item", "trainees", "max_points", "facility", "sd", "discrimination")


class ReportError(ValueError):
    """An item statistics file cannot be used; the message names the file and line."""


def read_item_statistics(paths: Sequence[Path]) -> pd.DataFrame:
    """Item rows of ``trainingkit items`` CSVs; an item in several keeps the row with the most trainees."""
    rows = []
    for path in paths:
        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                missing = [c for c in STATISTICS_COLUMNS if c not in (reader.fieldnames or [])]
                if missing:
                    raise ReportError(f"{path}: line 1: missing column(s) {', '.join(missing)} (write it with "
                                      "`trainingkit items ASSIGNMENT`)")
                for line, raw in enumerate(reader, start=2):
                    try:
                        rows.append({"item": raw["item"], "trainees": int(raw["trainees"]),
                                     **{c: float(raw[c]) if raw[c] else math.nan
                                        for c in ("max_points", "facility", "sd", "discrimination")}})
                    except (TypeError, ValueError):
                        raise ReportError(f"{path}: line {line}: trainees, max_points, facility, sd and "
                                          "discrimination must be numbers") from None
        except OSError as error:
            raise ReportError(f"{path}: cannot be read ({error})") from None
    frame = pd.DataFrame(rows, columns=list(STATISTICS_COLUMNS))
    return frame.sort_values("trainees", kind="stable").drop_duplicates("item", keep="last").set_index("item")


@dataclass(frozen=True)
class Projection:
    """A form's reliability projected from its items' statistics (None where they are missing)."""

    items_with_statistics: int
    alpha: float | None
    sd_points: float | None
    sem_points: float | None
    sem_at_cut_points: float
    decision_consistency: float | None
    kappa: float | None


def project(form: Form, bank: Mapping[str, Vignette], statistics: pd.DataFrame, cut_percent: float) -> Projection:
    """The form's projected alpha, SEM (at the cut) and decision consistency (see the module text)."""
    k = len(form.items)
    points = form.points(bank)
    sem_cut = lord_csem(cut_percent / 100, k) * points / k
    known = [item for item in form.items if item in statistics.index
             and np.isfinite(statistics.loc[item, ["facility", "sd", "discrimination"]].astype(float)).all()]
    if len(known) < k or k < 2:
        return Projection(len(known), None, None, None, sem_cut, None, None)
    rows = statistics.loc[list(form.items)]
    spread = rows["sd"].to_numpy(float) * np.array([bank[item].points for item in form.items])
    total_sd = float(np.sum(rows["discrimination"].to_numpy(float) * spread))
    if total_sd <= 0:
        return Projection(k, None, None, None, sem_cut, None, None)
    alpha = k / (k - 1) * (1 - float(np.sum(spread ** 2)) / total_sd ** 2)
    sem = total_sd * math.sqrt(max(0.0, 1 - alpha))
    mean = float(np.sum(rows["facility"].to_numpy(float) * np.array([bank[i].points for i in form.items]))) / points
    from scipy.stats import norm

    coaches = np.clip(mean + total_sd / points * norm.ppf((np.arange(200) + 0.5) / 200), 0, 1)
    consistency, kappa = subkoviak(coaches, alpha, k, cut_percent / 100)
    return Projection(k, alpha, total_sd, sem, sem_cut, consistency, kappa)


def _number(value: float | None, digits: int = 2) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def technical_report(forms: Mapping[int, Form], cycles: Sequence[int], bank: Mapping[str, Vignette],
                     blueprint: Blueprint, register: Path, ratings: Ratings | None,
                     statistics: pd.DataFrame, responses: Mapping[int, Reliability] | None = None) -> str:
    """The HTML report of the forms of ``cycles`` (``forms`` holds every cycle before them too)."""
    try:
        rows = {int(row["cycle"]): row for row in report_rows(forms, bank, blueprint, register, ratings, cycles)}
    except RatingsError as error:
        raise ReportError(str(error)) from None
    responses = responses or {}
    problems = violations(forms, bank, blueprint)
    notes = fixed_form_notes(forms, bank, blueprint)
    proposals = {p.item: p for p in retirement_proposals(statistics.reset_index())} if len(statistics) else {}
    parts = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
             "<title>Ethics review forms: technical report</title><style>body{font-family:sans-serif;"
             "max-width:60em;margin:auto}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #999;"
             "padding:.2em .5em;text-align:left}.broken{color:#a00}</style></head><body>",
             "<h1>Ethics review forms: technical report</h1>",
             f"<p>Cycles {html.escape(', '.join(map(str, cycles)))}; {blueprint.items} items per form; every item "
             f"on at most {blueprint.exposure_limit} of a period's {blueprint.period} forms; cut scores within "
             f"{100 * blueprint.tolerance:g} point(s) of the reference form's (cycle {blueprint.reference_cycle}).</p>"]
    parts.append("<h2>Blueprint check</h2>" + ("<p>Every rule met.</p>" if not problems else
                 "<ul>" + "".join(f"<li class='broken'>{html.escape(p)}</li>" for p in problems) + "</ul>"))
    if notes:
        parts.append("<p>Fixed forms are given as they are:</p><ul>"
                     + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>")
    uses = item_uses(forms.values())
    for cycle in cycles:
        form, row = forms[cycle], rows[cycle]
        parts.append(f"<h2>Cycle {cycle} ({html.escape(row['status'])})</h2>")
        se = f" ± {row['cut_se']}" if row["cut_se"] else ""
        parts.append(_table(["points", "high-stakes items", "expected score", "spread of ratings", "cut score",
                             "most-used item (forms)"],
                            [[row["points"], row["high_stakes"], row["expected_score"], row["spread"],
                              f"{row['cut_score']}%{se} ({row['cut_source']})",
                              f"{max(uses[i] for i in form.items)} of {len(forms)}"]]))
        covered = form.rules_covered(bank, blueprint)
        parts.append("<h3>Blueprint match</h3>" + _table(
            ["area", "items (min-max)", "rules: items citing each"],
            [[f"{area.title} ({area.section})",
              f"{sum(bank[i].area == area.id for i in form.items)} ({area.minimum}-{area.maximum})",
              "; ".join(f"{rule}: {', '.join(covered[rule]) or 'NONE'}" for rule in area.rules)]
             for area in blueprint.areas]))
        cut = float(row["cut_score"])
        projection = project(form, bank, statistics, cut)
        measured = responses.get(cycle)
        reliability_rows = []
        if measured is not None:
            reliability_rows.append([f"from the responses of {measured.trainees} coaches", measured.coefficient_name,
                                     _number(measured.coefficient), _number(measured.sem_points),
                                     _number(measured.sem_at_cut_points), _number(measured.decision_consistency),
                                     _number(measured.kappa)])
        reliability_rows.append([f"projected ({projection.items_with_statistics} of {len(form.items)} items "
                                 "with statistics)", "alpha", _number(projection.alpha),
                                 _number(projection.sem_points), _number(projection.sem_at_cut_points),
                                 _number(projection.decision_consistency), _number(projection.kappa)])
        parts.append("<h3>Reliability</h3>" + _table(
            ["basis", "coefficient", "value", "SEM (points)", "SEM at the cut (points)", "decision consistency",
             "kappa"], reliability_rows))
        flagged = [proposals[i] for i in form.items if i in proposals]
        parts.append("<h3>Items flagged by their statistics</h3>" + (_table(
            ["item", "coaches", "facility", "discrimination", "why", "proposal"],
            [[p.item, p.trainees, _number(p.facility), _number(p.discrimination), "; ".join(p.reasons), p.action]
             for p in flagged]) if flagged else "<p>None.</p>"))
    parts.append("</body></html>\n")
    return "\n".join(parts)
