"""A reflection's rubric criteria are named grade cells that fold back into their item."""

from __future__ import annotations

import pytest

from trainingkit.criteria import criterion_cell, item_of_cell


def test_a_criterion_cell_names_its_item_and_number() -> None:
    """A criterion's cell name reads back as its item and number."""
    assert criterion_cell("dual-120", 3) == "dual-120-criterion-3"
    assert item_of_cell("dual-120-criterion-3") == ("dual-120", 3)


def test_a_whole_item_cell_is_its_own_item() -> None:
    """A choice's grade cell (the vignette id) is an item with no criterion."""
    assert item_of_cell("safety-101") == ("safety-101", None)
    assert item_of_cell("safety-101-criterion-0") == ("safety-101-criterion-0", None)


def test_criteria_are_numbered_from_one() -> None:
    with pytest.raises(ValueError, match="numbered from 1"):
        criterion_cell("dual-120", 0)
