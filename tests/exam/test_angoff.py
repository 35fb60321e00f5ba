"""Modified Angoff: rater files checked line by line, items' spread flagged, cut scores with their error."""

from __future__ import annotations

import pytest

from pathlib import Path

from trainingkit.exam.angoff import RatingsError, cut_score, item_ratings, parse_rater_file, read_ratings

from tests.exam.helpers import item, make_bank


def test_a_rater_file_reads_into_probabilities() -> None:
    """item,probability rows become one rater's ratings."""
    assert parse_rater_file("item,probability\na-001,0.7\na-002,0.55\n", "sam.csv", {"a-001", "a-002"}) == {
        "a-001": 0.7, "a-002": 0.55}


def test_every_bad_line_is_named_by_number() -> None:
    """Unknown items, repeats, non-numbers and out-of-range values are all reported with their lines."""
    text = "item,probability\nx-999,0.5\na-001,high\na-001,1.4\na-002,0.6\na-002,0.7\n"
    with pytest.raises(RatingsError) as raised:
        parse_rater_file(text, "sam.csv", {"a-001", "a-002"})
    message = str(raised.value)
    for expected in ("sam.csv: line 2: item 'x-999' is not in the bank", "line 3: probability 'high' is not a number",
                     "line 4: probability 1.4 is not between 0 and 1", "line 6: item 'a-002' is rated twice"):
        assert expected in message


def test_raters_who_disagree_on_an_item_are_flagged() -> None:
    """An item rated 0.4 by one rater and 0.9 by another is flagged; close ratings are not."""
    ratings = item_ratings({"ann": {"a": 0.4, "b": 0.7}, "bo": {"a": 0.9, "b": 0.75}, "cy": {"a": 0.6, "b": 0.72}})
    assert ratings["a"].disagreement and not ratings["b"].disagreement
    assert ratings["b"].mean == pytest.approx(0.7233, abs=1e-4) and ratings["b"].raters == 3


def test_a_form_cut_score_is_the_raters_mean_with_its_standard_error() -> None:
    """The cut score averages each rater's expected percentage; its error is their spread over root n."""
    bank = {"a": item("a", "x"), "b": item("b", "x")}
    cut = cut_score(["a", "b"], bank, {"ann": {"a": 0.6, "b": 0.8}, "bo": {"a": 0.8, "b": 0.8}})
    assert cut.percent == 75.0 and cut.standard_error == pytest.approx(5.0) and cut.source == "2 raters"


def test_without_raters_the_cut_score_is_provisional_from_the_bank() -> None:
    """With no rater files the bank's ratings give the cut score, marked provisional."""
    bank = make_bank({"x": 4})
    cut = cut_score(list(bank), bank)
    assert cut.source == "provisional" and cut.standard_error is None
    assert cut.percent == pytest.approx(100 * sum(v.angoff for v in bank.values()) / 4, abs=0.05)


def test_a_rater_who_skipped_an_item_of_the_form_is_named_with_file_and_items() -> None:
    """A cut score is refused when a rater has not rated every item, naming rater, file, items and the way out."""
    bank = {"a": item("a", "x"), "b": item("b", "x"), "c": item("c", "x")}
    with pytest.raises(RatingsError) as raised:
        cut_score(["a", "b", "c"], bank, {"ann": {"a": 0.6, "b": 0.8, "c": 0.7}, "bo": {"a": 0.8}})
    assert "rater 'bo' (bo.csv) has not rated b, c" in str(raised.value)
    assert "probability left empty" in str(raised.value) and "ann" not in str(raised.value)


def test_an_empty_probability_is_an_abstention() -> None:
    """``item,`` records that the rater abstains on the item, which is not an error."""
    assert parse_rater_file("item,probability\na-001,0.7\na-002,\n", "sam.csv", {"a-001", "a-002"}) == {
        "a-001": 0.7, "a-002": None}


def test_an_abstention_counts_as_the_other_raters_mean() -> None:
    """With bo abstaining on b, b's rating is ann's and cy's mean, and the cut score is the weighted item means.

    ann: a 0.6, b 0.8 -> 70%; bo: a 0.8, b (0.8+0.6)/2 = 0.7 -> 75%; cy: a 0.7, b 0.6 -> 65%.
    Mean 70.0; standard deviation 5.0 over root 3 is 2.89.
    """
    bank = {"a": item("a", "x"), "b": item("b", "x")}
    ratings = {"ann": {"a": 0.6, "b": 0.8}, "bo": {"a": 0.8, "b": None}, "cy": {"a": 0.7, "b": 0.6}}
    cut = cut_score(["a", "b"], bank, ratings)
    assert (cut.percent, cut.standard_error, cut.source) == (70.0, 2.89, "3 raters, 1 abstention")
    assert item_ratings(ratings)["b"].raters == 2 and item_ratings(ratings)["b"].abstentions == 1


def test_an_item_every_rater_abstains_on_gives_no_cut_score() -> None:
    """A form with an item nobody rated is refused, naming the item."""
    bank = {"a": item("a", "x"), "b": item("b", "x")}
    with pytest.raises(RatingsError, match="every rater abstains on b"):
        cut_score(["a", "b"], bank, {"ann": {"a": 0.6, "b": None}})


def test_a_csv_saved_by_excel_with_a_byte_order_mark_reads(tmp_path: Path) -> None:
    """Excel's "CSV UTF-8" (a byte-order mark, CRLF lines, a capitalised header) reads as any other file."""
    path = tmp_path / "sam.csv"
    path.write_bytes("Item,Probability\r\na-001,0.7\r\n".encode("utf-8-sig"))
    assert read_ratings([path], {"a-001"}) == {"sam": {"a-001": 0.7}}


def test_two_rater_files_with_one_name_are_refused(tmp_path: Path) -> None:
    """Raters are named by their files, so two files called sam.csv are refused rather than one lost."""
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "sam.csv").write_text("item,probability\na-001,0.7\n")
    with pytest.raises(RatingsError, match="rater 'sam' already has a file"):
        read_ratings([tmp_path / "one" / "sam.csv", tmp_path / "two" / "sam.csv"], {"a-001"})


def test_a_partial_credit_item_rated_in_expected_points_counts_as_its_share() -> None:
    """1.4 expected points of a two-point multiple-select item is 0.7 of it, beside a probability row."""
    text = "item,probability,expected_points\na-001,0.6,\nm-001,,1.4\nm-002,,\n"
    ratings = parse_rater_file(text, "sam.csv", {"a-001", "m-001", "m-002"}, {"a-001": 1.0, "m-001": 2.0, "m-002": 2.0})
    assert ratings == {"a-001": 0.6, "m-001": pytest.approx(0.7), "m-002": None}


def test_expected_points_beyond_the_item_or_beside_a_probability_are_named() -> None:
    """2.5 expected points of a two-point item, and a row giving both values, are named by line."""
    text = "item,probability,expected_points\nm-001,,2.5\nm-002,0.5,1\n"
    with pytest.raises(RatingsError) as raised:
        parse_rater_file(text, "sam.csv", {"m-001", "m-002"}, {"m-001": 2.0, "m-002": 2.0})
    message = str(raised.value)
    assert "sam.csv: line 2: expected points 2.5 is not between 0 and 2 (the points m-001 is worth)" in message
    assert "line 3: give m-002's probability or its expected points, not both" in message
