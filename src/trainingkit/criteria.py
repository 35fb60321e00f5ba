"""A reflection's rubric criteria as nbgrader grade cells: how a criterion's cell is named. Pure.

A reflection is graded in one manually graded task cell per rubric criterion (nbgrader's
own way of giving one question several scores), named ``ITEM-criterion-N``. nbgrader then
keeps one grade per criterion; everything that reads grades per item (item analysis, the
dashboard, the feedback letter) folds a criterion's grade back into its item with
:func:`item_of_cell`, so the reflection's score is the sum of its criteria.
"""

from __future__ import annotations

import re

__all__ = ["criterion_cell", "item_of_cell"]

_CRITERION_CELL = re.compile(r"^(?P<item>.+)-criterion-(?P<number>[1-9][0-9]*)$")


def criterion_cell(item_id: str, number: int) -> str:
    """The grade cell name of the ``number``-th (from 1) rubric criterion of reflection ``item_id``."""
    if number < 1:
        raise ValueError(f"{item_id}: rubric criteria are numbered from 1, not {number}")
    return f"{item_id}-criterion-{number}"


def item_of_cell(cell_name: str) -> tuple[str, int | None]:
    """The item a grade cell scores, and its criterion number (``None`` for a whole-item cell)."""
    match = _CRITERION_CELL.match(cell_name)
    if match is None:
        return cell_name, None
    return match["item"], int(match["number"])
