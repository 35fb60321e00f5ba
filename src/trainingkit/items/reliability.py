"""How far a form's scores can be trusted, and which items to propose for retirement. Pure functions.

The input is a scores table of fully graded trainees (one row each, one column per item,
points earned) with the items' maximum points, as :mod:`trainingkit.items.analysis` makes it.
With ``k`` items, ``T`` the totals, and variances divided by ``s - 1``:

* **internal consistency**: Cronbach's alpha ``k / (k - 1) * (1 - sum var(x_i) / var(T))``. When
  every item is scored 0 or 1 this *is* KR-20 (Kuder and Richardson, 1937), ``sum var(x_i)``
  being ``sum p_i q_i`` up to the same ``s / (s - 1)`` as ``var(T)``, and it is named so;
* **standard error of measurement** ``SEM = sd(T) * sqrt(1 - reliability)``, in points;
* **SEM at the cut score**: Lord's binomial error model (Lord, 1955; Feldt, Steffen and Gupta,
  1985, *Applied Psychological Measurement* 9(4)) gives a coach with ``x`` of ``k`` items right
  a conditional SEM of ``sqrt(x (k - x) / (k - 1))`` items. At the cut, ``x = cut * k``; items worth
  more than one point are taken at the form's mean points per item (an approximation);
* **decision consistency**: Subkoviak's single-administration estimate (Subkoviak, 1976,
  "Estimating reliability from a single administration of a criterion-referenced test",
  *Journal of Educational Measurement* 13(4), 265-276). Each coach's true proportion is
  estimated by Kelley's regression ``tau = r * p + (1 - r) * mean(p)``; under the binomial
  model the chance of passing a parallel form is ``P = Pr(Binomial(k, tau) >= c)`` with ``c`` the
  items needed at the cut; the chance of the same decision twice is ``P^2 + (1 - P)^2``, and its
  mean over coaches is ``p0``. Cohen's kappa corrects ``p0`` for chance agreement
  ``pc = Pbar^2 + (1 - Pbar)^2`` with ``Pbar = mean(P)``: ``kappa = (p0 - pc) / (1 - pc)``.

Retirement proposals follow :class:`~trainingkit.items.settings.RetirementRule`: an item whose
facility (proportion of its points earned) lies outside 0.30-0.90, or whose discrimination
(correlation with the rest of the form) is below 0.20, is proposed for retirement, once
enough coaches have taken it; a negative discrimination asks for the key to be checked first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from trainingkit.items.settings import DEFAULT_RETIREMENT, RetirementRule

__all__ = ["Reliability", "RetirementProposal", "cronbach_alpha", "lord_csem", "reliability",
           "retirement_proposals", "subkoviak"]


def cronbach_alpha(x: np.ndarray) -> float:
    """Cronbach's alpha of a trainees-by-items score matrix (KR-20 when scores are 0/1); NaN if undefined."""
    trainees, items = x.shape
    if trainees < 2 or items < 2:
        return math.nan
    total_var = float(x.sum(axis=1).var(ddof=1))
    if total_var <= 0:
        return math.nan
    return items / (items - 1) * (1 - float(x.var(axis=0, ddof=1).sum()) / total_var)


def lord_csem(cut_fraction: float, items: int) -> float:
    """Lord's binomial conditional SEM, in items, at ``cut_fraction`` of ``items`` right."""
    if items < 2:
        return math.nan
    right = cut_fraction * items
    return math.sqrt(right * (items - right) / (items - 1))


def subkoviak(proportions: np.ndarray, reliability: float, items: int, cut_fraction: float) -> tuple[float, float]:
    """Subkoviak's decision consistency ``p0`` and its ``kappa`` for coaches' observed ``proportions``."""
    from scipy.stats import binom

    if len(proportions) == 0 or items < 1 or not math.isfinite(reliability):
        return math.nan, math.nan
    weight = min(max(reliability, 0.0), 1.0)
    true = np.clip(weight * proportions + (1 - weight) * float(proportions.mean()), 0.0, 1.0)
    needed = math.ceil(cut_fraction * items - 1e-9)
    passing = binom.sf(needed - 1, items, true)  # Pr(Binomial(items, true) >= needed)
    p0 = float(np.mean(passing ** 2 + (1 - passing) ** 2))
    mean_pass = float(passing.mean())
    chance = mean_pass ** 2 + (1 - mean_pass) ** 2
    kappa = (p0 - chance) / (1 - chance) if chance < 1 - 1e-12 else math.nan
    return p0, kappa


@dataclass(frozen=True)
class Reliability:
    """A form's (or assignment's) reliability, its SEM, and how consistent its pass/fail decisions are."""

    trainees: int
    items: int
    max_points: float
    #: "KR-20" when every item is scored 0/1, else "alpha" (Cronbach's).
    coefficient_name: str
    coefficient: float
    sd_points: float
    sem_points: float
    cut_percent: float | None = None
    cut_points: float | None = None
    #: Lord's binomial conditional SEM at the cut, in points.
    sem_at_cut_points: float | None = None
    #: The share of coaches whose observed total reaches the cut.
    pass_rate: float | None = None
    #: Subkoviak's estimate of the chance of the same decision on a parallel form, and its kappa.
    decision_consistency: float | None = None
    kappa: float | None = None


def reliability(scores: pd.DataFrame, max_points: pd.Series, cut_percent: float | None = None) -> Reliability:
    """The reliability of fully graded ``scores`` (trainees by items), at ``cut_percent`` when given."""
    x = scores.to_numpy(dtype=float)
    trainees, items = x.shape
    maximum = max_points.reindex(scores.columns).to_numpy(dtype=float)
    dichotomous = bool(np.all(maximum == 1) and np.isin(x, (0.0, 1.0)).all())
    coefficient = cronbach_alpha(x)
    totals = x.sum(axis=1)
    sd = float(totals.std(ddof=1)) if trainees > 1 else math.nan
    sem = sd * math.sqrt(1 - coefficient) if math.isfinite(coefficient) and coefficient <= 1 else math.nan
    result = Reliability(trainees, items, float(maximum.sum()), "KR-20" if dichotomous else "alpha", coefficient,
                         sd, sem)
    if cut_percent is None or items == 0:
        return result
    cut_fraction = cut_percent / 100
    points_per_item = float(maximum.sum()) / items
    proportions = totals / float(maximum.sum())
    consistency, kappa = subkoviak(proportions, coefficient, items, cut_fraction)
    return Reliability(**{**result.__dict__,
                          "cut_percent": cut_percent, "cut_points": cut_fraction * float(maximum.sum()),
                          "sem_at_cut_points": lord_csem(cut_fraction, items) * points_per_item,
                          "pass_rate": float(np.mean(proportions >= cut_fraction - 1e-9)) if trainees else math.nan,
                          "decision_consistency": consistency, "kappa": kappa})


@dataclass(frozen=True)
class RetirementProposal:
    """An item outside the retirement rule: why, and what to do about it."""

    item: str
    trainees: int
    facility: float
    discrimination: float
    reasons: tuple[str, ...]
    #: "retire", "check the key, then retire", or "watch" (too few trainees to act on yet).
    action: str

    def bank_line(self, assignment: str, on: str) -> str:
        """The line to add to the item in the bank if the proposal is accepted."""
        return f"retired: \"{'; '.join(self.reasons)} ({assignment}, {self.trainees} trainees, {on})\""


def retirement_proposals(items: pd.DataFrame, rule: RetirementRule = DEFAULT_RETIREMENT) -> list[RetirementProposal]:
    """Every item of an item-statistics table (columns item, trainees, facility, discrimination)
    that breaks ``rule``, in table order."""
    proposals = []
    for row in items.itertuples(index=False):
        facility, discrimination = float(row.facility), float(row.discrimination)
        reasons = []
        if math.isfinite(facility) and facility < rule.min_facility:
            reasons.append(f"facility {facility:.2f} below {rule.min_facility:.2f}")
        if math.isfinite(facility) and facility > rule.max_facility:
            reasons.append(f"facility {facility:.2f} above {rule.max_facility:.2f}")
        if math.isfinite(discrimination) and discrimination < rule.min_discrimination:
            reasons.append(f"discrimination {discrimination:.2f} below {rule.min_discrimination:.2f}")
        if not reasons or int(row.trainees) < 2:
            continue
        action = ("watch" if int(row.trainees) < rule.min_trainees else
                  "check the key, then retire" if math.isfinite(discrimination) and discrimination < 0 else "retire")
        proposals.append(RetirementProposal(str(row.item), int(row.trainees), facility, discrimination,
                                            tuple(reasons), action))
    return proposals
