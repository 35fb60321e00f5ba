"""Modified Angoff: rater files checked line by line, items' spread flagged, cut scores with their error."""

from __future__ import annotations

import pytest

from trainingkit.exam.angoff import RatingsError, cut_score, item_ratings, parse_rater_file

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


def test_a_rater_who_skipped_an_item_of_the_form_is_named() -> None:
    """A cut score is refused when a rater has not rated every item of the form."""
    bank = {"a": item("a", "x"), "b": item("b", "x")}
    with pytest.raises(RatingsError, match="rater 'bo' has not rated b"):
        cut_score(["a", "b"], bank, {"ann": {"a": 0.6, "b": 0.8}, "bo": {"a": 0.8}})
