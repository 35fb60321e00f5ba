"""Item analysis against numbers worked out by hand, with Moodle's definitions."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from trainingkit.items.analysis import (assignment_statistics, fully_graded, item_flags, item_statistics,
                                        option_shares, scores_table)
from trainingkit.items.settings import HealthyRanges

# The fixture: 5 trainees, 3 items; A and B are worth 1 point, C 2 points.
#
#            A   B   C   total T
#     t1     1   0   2   3
#     t2     1   1   2   4
#     t3     0   1   1   2
#     t4     1   0   0   1
#     t5     0   0   1   1
#
# Every variance and covariance divides by s - 1 = 4.
#
# Totals: mean 11/5 = 2.2; deviations .8, 1.8, -.2, -1.2, -1.2;
#   squares .64 + 3.24 + .04 + 1.44 + 1.44 = 6.8, var(T) = 1.7, sd(T) = sqrt(1.7) = 1.303840.
#   Sorted totals 1, 1, 2, 3, 4: median 2.
#
# Item A: x = 1 1 0 1 0, mean .6, facility .6 / 1 = .6.
#   dx = .4 .4 -.6 .4 -.6, sum dx^2 = 3(.16) + 2(.36) = 1.2, var .3, sd/max = sqrt(.3) = .547723.
#   Rest of test X = B + C = 2 3 2 0 1, mean 1.6, dX = .4 1.4 .4 -1.6 -.6,
#   sum dX^2 = .16 + 1.96 + .16 + 2.56 + .36 = 5.2, var 1.3.
#   sum dx dX = .16 + .56 - .24 - .64 + .36 = .2, cov .05.
#   D = .05 / sqrt(.3 * 1.3) = .05 / .624500 = .080064.
#   cov_max pairs sorted x (0 0 1 1 1: dx -.6 -.6 .4 .4 .4) with sorted X (0 1 2 2 3: dX -1.6 -.6 .4 .4 1.4):
#   .96 + .36 + .16 + .16 + .56 = 2.2, cov_max .55; DE = .05 / .55 = .090909.
#
# Item B: x = 0 1 1 0 0, mean .4, facility .4; dx = -.4 .6 .6 -.4 -.4, sum dx^2 1.2, var .3, sd .547723.
#   X = A + C = 3 3 1 1 1, mean 1.8, dX = 1.2 1.2 -.8 -.8 -.8, sum dX^2 = 2(1.44) + 3(.64) = 4.8, var 1.2.
#   sum dx dX = -.48 + .72 - .48 + .32 + .32 = .4, cov .1; D = .1 / sqrt(.3 * 1.2) = .1 / .6 = .166667.
#   cov_max: sorted dx -.4 -.4 -.4 .6 .6 with sorted dX -.8 -.8 -.8 1.2 1.2: 3(.32) + 2(.72) = 2.4, .6;
#   DE = .1 / .6 = .166667.
#
# Item C: x = 2 2 1 0 1, mean 1.2, facility 1.2 / 2 = .6; dx = .8 .8 -.2 -1.2 -.2,
#   sum dx^2 = .64 + .64 + .04 + 1.44 + .04 = 2.8, var .7, sd/max = sqrt(.7) / 2 = .418330.
#   X = A + B = 1 2 1 1 0, mean 1, dX = 0 1 0 0 -1, sum dX^2 2, var .5.
#   sum dx dX = 0 + .8 + 0 + 0 + .2 = 1, cov .25; D = .25 / sqrt(.7 * .5) = .25 / .591608 = .422577.
#   cov_max: sorted dx -1.2 -.2 -.2 .8 .8 with sorted dX -1 0 0 0 1: 1.2 + .8 = 2, .5; DE = .25 / .5 = .5.
#
# Whole assignment: CIC = p / (p - 1) * (1 - sum var(x) / var(T)) = 3/2 * (1 - (.3 + .3 + .7) / 1.7)
#   = 1.5 * .4 / 1.7 = 6/17 = .352941; ER = sqrt(1 - 6/17) = sqrt(11/17) = .804400;
#   SE = ER * sd(T) = sqrt(11/17 * 1.7) = sqrt(1.1) = 1.048809 points.
#
# Flags with the default ranges: A and B discriminate below .2; C is healthy.


@pytest.fixture
def scores() -> pd.DataFrame:
    return pd.DataFrame({"A": [1, 1, 0, 1, 0], "B": [0, 1, 1, 0, 0], "C": [2, 2, 1, 0, 1]},
                        index=pd.Index(["t1", "t2", "t3", "t4", "t5"], name="trainee"), dtype=float)


@pytest.fixture
def max_points() -> pd.Series:
    return pd.Series({"A": 1.0, "B": 1.0, "C": 2.0})


def test_item_statistics_match_the_hand_computation(scores, max_points) -> None:
    """Facility, sd, discrimination and discriminative efficiency equal the values worked out by hand."""
    table = item_statistics(scores, max_points)
    expected = pd.DataFrame({
        "facility": [0.6, 0.4, 0.6],
        "sd": [math.sqrt(0.3), math.sqrt(0.3), math.sqrt(0.7) / 2],
        "discrimination": [0.05 / math.sqrt(0.39), 0.1 / 0.6, 0.25 / math.sqrt(0.35)],
        "discriminative_efficiency": [0.05 / 0.55, 0.1 / 0.6, 0.5],
    }, index=pd.Index(["A", "B", "C"], name="item"))
    pd.testing.assert_frame_equal(table[expected.columns], expected, atol=1e-12, rtol=0)
    assert table["discrimination"].round(6).tolist() == [0.080064, 0.166667, 0.422577]
    assert table["trainees"].tolist() == [5, 5, 5]
    assert table["max_points"].tolist() == [1.0, 1.0, 2.0]


def test_items_outside_the_healthy_ranges_are_flagged(scores, max_points) -> None:
    """A and B discriminate below 0.2 and are flagged; C is healthy and is not."""
    flags = item_statistics(scores, max_points)["flags"].tolist()
    assert flags == ["low_discrimination", "low_discrimination", ""]


def test_assignment_statistics_match_the_hand_computation(scores, max_points) -> None:
    """CIC, error ratio, standard error and the totals' mean, median and sd equal the hand values."""
    overall = assignment_statistics(scores, max_points)
    assert (overall.trainees, overall.not_fully_graded, overall.items, overall.max_points) == (5, 0, 3, 4.0)
    assert overall.mean_points == pytest.approx(2.2)
    assert overall.median_points == 2.0
    assert overall.sd_points == pytest.approx(math.sqrt(1.7))
    assert overall.cic == pytest.approx(6 / 17)
    assert overall.error_ratio == pytest.approx(math.sqrt(11 / 17))
    assert overall.standard_error_points == pytest.approx(math.sqrt(1.1))


def test_the_thresholds_are_settings(scores, max_points) -> None:
    """Looser ranges flag nothing; a higher facility floor flags B (facility 0.4) as too hard."""
    assert set(item_statistics(scores, max_points, ranges=HealthyRanges(min_discrimination=0.05))["flags"]) == {""}
    strict = item_statistics(scores, max_points, ranges=HealthyRanges(min_facility=0.5, min_discrimination=0))
    assert strict["flags"].tolist() == ["", "too_hard", ""]


def test_each_flag_is_raised_by_its_own_rule() -> None:
    """Facility below 0.2 is too hard, above 0.95 too easy, no spread is named; few trainees flag nothing."""
    statistics = pd.DataFrame({
        "trainees": [10, 10, 10, 10, 1],
        "facility": [0.1, 0.96, 0.5, 1.0, 0.0],
        "discrimination": [0.5, 0.3, -0.4, np.nan, np.nan],
    }, index=["hard", "easy", "negative", "everyone-right", "one-trainee"])
    assert item_flags(statistics).tolist() == ["too_hard", "too_easy", "low_discrimination",
                                               "too_easy;no_spread", ""]


def test_healthy_ranges_refuse_nonsense() -> None:
    """A facility floor above its ceiling is refused with a message naming both values."""
    with pytest.raises(ValueError, match="0.9 and 0.5"):
        HealthyRanges(min_facility=0.9, max_facility=0.5)


def test_ungraded_items_and_trainees_are_left_out_not_zeroed(scores, max_points) -> None:
    """An item nobody was graded on has no statistics; a trainee missing a grade is left out of the rest."""
    scores = scores.assign(R=np.nan)
    scores.loc["t6"] = [1.0, 1.0, np.nan, np.nan]
    max_points = pd.concat([max_points, pd.Series({"R": 3.0})])
    assert fully_graded(scores).shape == (5, 3)
    table = item_statistics(scores, max_points)
    assert table.loc["R", "trainees"] == 0 and np.isnan(table.loc["R", "facility"])
    assert table.loc["R", "flags"] == ""
    assert table.loc["A", "facility"] == pytest.approx(0.6)
    overall = assignment_statistics(scores, max_points)
    assert (overall.trainees, overall.not_fully_graded, overall.items, overall.max_points) == (5, 1, 3, 4.0)


def test_one_trainee_gives_facility_but_no_correlations() -> None:
    """With a single trainee, facility is known and everything needing a spread is NaN, not an error."""
    single = pd.DataFrame({"A": [1.0], "B": [0.0]}, index=["t1"])
    table = item_statistics(single, pd.Series({"A": 1.0, "B": 1.0}))
    assert table["facility"].tolist() == [1.0, 0.0]
    assert table[["sd", "discrimination", "discriminative_efficiency"]].isna().all().all()
    assert math.isnan(assignment_statistics(single, pd.Series({"A": 1.0, "B": 1.0})).cic)


def test_scores_table_pivots_long_rows(scores, max_points) -> None:
    """Long rows trainee, item, score, max_score become the same table and maximum points."""
    long = scores.stack().rename("score").reset_index().rename(columns={"level_1": "item"})
    long["max_score"] = long["item"].map(max_points)
    table, maximum = scores_table(long.sample(frac=1, random_state=3))
    pd.testing.assert_frame_equal(table.loc[:, ["A", "B", "C"]], scores, check_names=False)
    assert maximum.reindex(["A", "B", "C"]).tolist() == [1.0, 1.0, 2.0]


def test_option_shares_count_each_trainee_once_among_the_trainees_analysed() -> None:
    """Shares of 5 trainees: t1, t2 chose a, t3 b, t5 c, t4 nothing; strangers and unknown options are ignored."""
    choices = pd.DataFrame([
        ("t1", "A", "a"), ("t2", "A", "a"), ("t3", "A", "b"), ("t5", "A", "c"),
        ("t1", "B", "a"), ("t1", "B", "c"), ("t2", "B", "c"), ("t2", "B", "c"),
        ("t9", "A", "a"), ("t4", "A", "z"),
    ], columns=["trainee", "item", "option"])
    shares = option_shares(choices, {"A": ["a", "b", "c"], "B": ["a", "b", "c", "d"]},
                           ["t1", "t2", "t3", "t4", "t5"])
    # A: a 2/5, b 1/5, c 1/5, no answer 1/5 (t4); no option d. B (select all): a 1/5, c 2/5, 3/5 chose nothing.
    expected = pd.DataFrame({"no_answer": [0.2, 0.6], "chose_a": [0.4, 0.2], "chose_b": [0.2, 0.0],
                             "chose_c": [0.2, 0.4], "chose_d": [np.nan, 0.0]},
                            index=pd.Index(["A", "B"], name="item"))
    pd.testing.assert_frame_equal(shares, expected)
