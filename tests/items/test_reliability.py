"""Reliability, SEM, SEM at the cut, decision consistency and retirement proposals, against hand computation."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from trainingkit.items.reliability import cronbach_alpha, lord_csem, reliability, retirement_proposals
from trainingkit.items.settings import RetirementRule

# Five coaches, four items scored 0/1, a Guttman pattern:
#
#           A  B  C  D   total  proportion
#     c1    1  1  1  1   4      1.00
#     c2    1  1  1  0   3      0.75
#     c3    1  1  0  0   2      0.50
#     c4    1  0  0  0   1      0.25
#     c5    0  0  0  0   0      0.00
#
# KR-20 = k/(k-1) * (1 - sum p q / var(T)), here with populations (divide by 5):
#   p = .8 .6 .4 .2, p q = .16 .24 .24 .16, sum .80; totals mean 2, var(T) = (4+1+0+1+4)/5 = 2.
#   KR-20 = 4/3 * (1 - .8/2) = 4/3 * .6 = 0.8 (the same with s - 1: 1.0 / 2.5).
# SEM = sd(T) * sqrt(1 - .8) with sd(T) = sqrt(10/4) = 1.581139: sqrt(2.5 * .2) = sqrt(.5) = 0.707107.
# Lord's conditional SEM at a 50% cut: x = 2 of k = 4, sqrt(2 * 2 / 3) = sqrt(4/3) = 1.154701 items = points.
# Subkoviak at 50% (2 items needed): Kelley's true proportions tau = .8 p + .2 * .5 = .9 .7 .5 .3 .1;
#   P(pass) = 1 - (1-t)^4 - 4 t (1-t)^3 = .9963, .9163, .6875, .3483, .0523;
#   P^2 + (1-P)^2 = .99262738, .84661138, .5703125, .54602578, .90087058: mean p0 = .771289524.
#   Pbar = 3.0007 / 5 = .60014; pc = .60014^2 + .39986^2 = .52005604;
#   kappa = (.771289524 - .52005604) / (1 - .52005604) = .523464.
# Observed pass rate at 50%: c1, c2, c3 reach 2 of 4 points: 3/5 = .6.


@pytest.fixture
def guttman() -> pd.DataFrame:
    return pd.DataFrame([[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]],
                        index=pd.Index([f"c{n}" for n in range(1, 6)], name="trainee"),
                        columns=pd.Index(list("ABCD"), name="item"), dtype=float)


def test_kr20_sem_and_sem_at_the_cut_match_the_hand_computation(guttman) -> None:
    """KR-20 is 0.8, the SEM sqrt(.5) points, and Lord's SEM at a 50% cut sqrt(4/3) points."""
    result = reliability(guttman, pd.Series(1.0, index=guttman.columns), cut_percent=50)
    assert result.coefficient_name == "KR-20" and result.coefficient == pytest.approx(0.8)
    assert result.sem_points == pytest.approx(math.sqrt(0.5))
    assert (result.cut_points, result.pass_rate) == (2.0, 0.6)
    assert result.sem_at_cut_points == pytest.approx(math.sqrt(4 / 3))


def test_subkoviaks_decision_consistency_matches_the_hand_computation(guttman) -> None:
    """At a 50% cut the same decision on a parallel form is expected for 77.1% of coaches, kappa 0.523."""
    result = reliability(guttman, pd.Series(1.0, index=guttman.columns), cut_percent=50)
    assert result.decision_consistency == pytest.approx(0.771289524, abs=1e-9)
    assert result.kappa == pytest.approx(0.523464, abs=1e-6)


def test_items_worth_more_than_a_point_give_alpha_not_kr20() -> None:
    """With a two-point item the coefficient is Cronbach's alpha (the analysis module's CIC: 6/17)."""
    scores = pd.DataFrame({"A": [1, 1, 0, 1, 0], "B": [0, 1, 1, 0, 0], "C": [2, 2, 1, 0, 1]}, dtype=float)
    result = reliability(scores, pd.Series({"A": 1.0, "B": 1.0, "C": 2.0}))
    assert result.coefficient_name == "alpha" and result.coefficient == pytest.approx(6 / 17)
    assert result.cut_percent is None and result.decision_consistency is None


def test_without_spread_there_is_no_coefficient() -> None:
    """Every coach with the same total leaves alpha undefined rather than a number."""
    assert math.isnan(cronbach_alpha(pd.DataFrame([[1, 0], [0, 1]], dtype=float).to_numpy()))


def test_lords_conditional_sem_is_largest_at_the_middle() -> None:
    """The binomial error is widest at half right and zero at none or all right."""
    assert lord_csem(0.5, 25) > lord_csem(0.8, 25) > lord_csem(1.0, 25) == 0.0


def _stats(rows):
    return pd.DataFrame(rows, columns=["item", "trainees", "facility", "discrimination"])


def test_items_outside_the_rule_are_proposed_for_retirement_with_reasons() -> None:
    """Too easy, too hard and weakly discriminating items are proposed; a healthy item is not."""
    proposals = retirement_proposals(_stats([
        ("easy", 40, 0.95, 0.30), ("hard", 40, 0.25, 0.35), ("weak", 40, 0.60, 0.10), ("fine", 40, 0.60, 0.40)]))
    assert [(p.item, p.reasons, p.action) for p in proposals] == [
        ("easy", ("facility 0.95 above 0.90",), "retire"),
        ("hard", ("facility 0.25 below 0.30",), "retire"),
        ("weak", ("discrimination 0.10 below 0.20",), "retire")]


def test_a_negative_discrimination_asks_for_the_key_to_be_checked_first() -> None:
    """Stronger coaches doing worse on an item often means a wrong key, so the key is checked before retiring."""
    [proposal] = retirement_proposals(_stats([("odd", 40, 0.50, -0.25)]))
    assert proposal.action == "check the key, then retire"
    assert proposal.bank_line("ethics-review", "2026-12-06") == (
        'retired: "discrimination -0.25 below 0.20 (ethics-review, 40 trainees, 2026-12-06)"')


def test_with_too_few_coaches_an_item_is_only_watched() -> None:
    """Below the rule's minimum number of coaches a flagged item is watched, not proposed for retirement."""
    [proposal] = retirement_proposals(_stats([("easy", 12, 0.95, 0.30)]), RetirementRule(min_trainees=30))
    assert proposal.action == "watch"
