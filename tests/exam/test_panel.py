"""Standard setting as a panel runs it: rounds of rater files, rater diagnostics and impact data."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainingkit.exam.angoff import RatingsError
from trainingkit.exam.panel import (OUTLYING, candidate_percentages, final_round, impact, rater_diagnostics,
                                    read_rounds)

from tests.exam.helpers import make_bank

BANK = make_bank({"a": 4})
ITEMS = sorted(BANK)


def _rater(folder: Path, name: str, values: list[float]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.csv").write_text("item,probability\n" + "".join(
        f"{item},{value}\n" for item, value in zip(ITEMS, values, strict=True)))


def test_round_folders_are_read_in_order_and_the_last_sets_the_cut(tmp_path: Path) -> None:
    """round-1 and round-2 folders read as two rounds; the last round is the one cut scores use."""
    _rater(tmp_path / "round-1", "ann", [0.5] * 4)
    _rater(tmp_path / "round-2", "ann", [0.6] * 4)
    rounds = read_rounds(tmp_path, BANK)
    assert list(rounds) == [1, 2] and final_round(rounds)["ann"][ITEMS[0]] == 0.6


def test_loose_rater_files_are_round_one(tmp_path: Path) -> None:
    """Rater files directly in the ratings folder are a single round 1, as before rounds existed."""
    _rater(tmp_path, "ann", [0.5] * 4)
    assert list(read_rounds(tmp_path, BANK)) == [1]
    assert read_rounds(tmp_path / "absent", BANK) == {} and final_round({}) == {}


def test_a_missing_round_or_round_one_in_two_places_is_refused(tmp_path: Path) -> None:
    """A round 2 without a round 1, or loose files beside a round-1 folder, are named."""
    _rater(tmp_path / "gap" / "round-2", "ann", [0.5] * 4)
    with pytest.raises(RatingsError, match="round 1 has no rater files, though a later round has"):
        read_rounds(tmp_path / "gap", BANK)
    _rater(tmp_path / "twice", "ann", [0.5] * 4)
    _rater(tmp_path / "twice" / "round-1", "bo", [0.5] * 4)
    with pytest.raises(RatingsError, match="round 1's rater files are also directly in"):
        read_rounds(tmp_path / "twice", BANK)


def test_a_strict_rater_is_shown_above_the_panel_with_the_items_where_they_stand_apart() -> None:
    """Against two raters at 0.6, a third at 0.9 on one item stands +7.5 points from the panel there."""
    ratings = {"ann": dict.fromkeys(ITEMS, 0.6), "bo": dict.fromkeys(ITEMS, 0.6),
               "cy": {**dict.fromkeys(ITEMS, 0.6), ITEMS[0]: 0.9}}
    by_rater = {d.rater: d for d in rater_diagnostics(ITEMS, BANK, ratings)}
    assert by_rater["cy"].cut == 67.5 and by_rater["cy"].deviation == 5.0
    assert by_rater["cy"].outlying == (ITEMS[0],) and 0.9 - 0.6 > OUTLYING
    assert by_rater["ann"].deviation == -2.5 and by_rater["ann"].outlying == ()
    assert by_rater["cy"].mean_distance == pytest.approx(0.075)


def test_correlation_with_the_panel_is_given_when_the_ratings_vary() -> None:
    """A rater who orders the items as the others do correlates 1.0 with them; a flat rater has none."""
    ratings = {"ann": dict(zip(ITEMS, [0.5, 0.6, 0.7, 0.8], strict=True)),
               "bo": dict(zip(ITEMS, [0.55, 0.65, 0.75, 0.85], strict=True)), "cy": dict.fromkeys(ITEMS, 0.7)}
    by_rater = {d.rater: d for d in rater_diagnostics(ITEMS, BANK, ratings)}
    assert by_rater["bo"].correlation == pytest.approx(1.0) and by_rater["cy"].correlation is None


def test_impact_counts_candidates_at_or_above_the_cut_among_those_with_enough_of_the_form() -> None:
    """Of three candidates with most of the form graded, two reach 75%; one who met a single item is left out."""
    scores = {"kofi": dict.fromkeys(ITEMS, 1.0), "lena": {ITEMS[0]: 1.0, ITEMS[1]: 1.0, ITEMS[2]: 1.0, ITEMS[3]: 0.0},
              "mo": {ITEMS[0]: 1.0, ITEMS[1]: 0.0, ITEMS[2]: 0.0}, "nia": {ITEMS[0]: 1.0}}
    percentages = candidate_percentages(scores, ITEMS, BANK)
    assert percentages == {"kofi": 100.0, "lena": 75.0, "mo": pytest.approx(100 / 3)}
    result = impact(percentages, 75.0)
    assert (result.candidates, result.passing, result.share) == (3, 2, pytest.approx(2 / 3))
    assert impact({}, 75.0).share is None


def test_a_responses_file_reads_with_repeats_averaged_and_every_bad_line_named() -> None:
    """candidate,item,points rows: a repeated item counts at its mean; a non-number or a negative is named by line."""
    from trainingkit.exam.panel import parse_responses

    text = "\ufeffcandidate,item,points\nkofi,a-001,1\nkofi,a-001,0\nlena,a-002,2\n"
    assert parse_responses(text, "r.csv") == {"kofi": {"a-001": 0.5}, "lena": {"a-002": 2.0}}
    with pytest.raises(RatingsError) as raised:
        parse_responses("candidate,item,points\nkofi,a-001,lots\nkofi,a-002,-1\nmo,a-003\n", "r.csv")
    message = str(raised.value)
    for expected in ("r.csv: line 2: points 'lots' is not a number", "r.csv: line 3: points -1 is below 0",
                     "r.csv: line 4: expected 3 fields (candidate,item,points), found 2"):
        assert expected in message
    with pytest.raises(RatingsError, match="r.csv: line 1: the header must be candidate,item,points"):
        parse_responses("who,item,points\n", "r.csv")
