"""The technical report's reliability projection and its page."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from trainingkit.exam.assemble import Form
from trainingkit.exam.report import ReportError, project, read_item_statistics, technical_report

from tests.exam.helpers import blueprint, make_bank

FORM = Form(2, ("scope-001", "scope-002", "scope-003", "scope-004"))


def _statistics(discrimination: float = 0.8, facility: float = 0.6) -> pd.DataFrame:
    return pd.DataFrame({"item": list(FORM.items), "trainees": 50, "max_points": 1.0, "facility": facility,
                         "sd": 0.5, "discrimination": discrimination}).set_index("item")


def test_alpha_is_projected_from_the_items_spread_and_discrimination() -> None:
    """Four items of SD 0.5 and discrimination 0.8: total SD 1.6, alpha 4/3 (1 - 1/2.56), SEM 1.6 sqrt(1 - alpha)."""
    projection = project(FORM, make_bank({"scope": 4}), _statistics(), cut_percent=50)
    assert projection.alpha == pytest.approx(4 / 3 * (1 - 1 / 2.56))
    assert projection.sem_points == pytest.approx(1.6 * math.sqrt(1 - projection.alpha))
    assert projection.sem_at_cut_points == pytest.approx(math.sqrt(2 * 2 / 3))
    assert 0.5 <= projection.decision_consistency <= 1


def test_without_statistics_for_every_item_only_lords_error_at_the_cut_is_given() -> None:
    """One item without statistics leaves alpha and decision consistency empty, not guessed."""
    projection = project(FORM, make_bank({"scope": 4}), _statistics().drop("scope-004"), cut_percent=75)
    assert projection.items_with_statistics == 3 and projection.alpha is None
    assert projection.decision_consistency is None and projection.sem_at_cut_points == pytest.approx(1.0)


def test_a_statistics_file_without_the_items_columns_is_named(tmp_path: Path) -> None:
    """A CSV that is not `trainingkit items` output names the file, line 1 and the missing columns."""
    path = tmp_path / "wrong.csv"
    path.write_text("item,score\nscope-001,1\n")
    with pytest.raises(ReportError, match="wrong.csv: line 1: missing column\\(s\\) trainees, max_points"):
        read_item_statistics([path])


def test_the_page_escapes_every_text_and_proposes_weak_items_for_retirement(tmp_path: Path) -> None:
    """An area title with markup shows as text; an item with discrimination 0.1 is proposed for retirement."""
    bank = make_bank({"scope": 4})
    plan = blueprint({"scope": (4, 4)}, 4, target_difficulty=0.7)
    plan = replace(plan, areas=(replace(plan.areas[0], title="<script>alert(1)</script>"),))
    page = technical_report({2: FORM}, [2], bank, plan, tmp_path / "forms.yaml", None,
                            _statistics(discrimination=0.1))
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "discrimination 0.10 below 0.20" in page and "<td>retire</td>" in page


def test_once_coaches_have_sat_a_form_its_measured_reliability_is_shown_beside_the_projection(tmp_path: Path) -> None:
    """Scores of coaches who sat the form give its KR-20, SEM at the cut and decision consistency in the report."""
    from trainingkit.items.reliability import reliability

    scores = pd.DataFrame([[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1]],
                          columns=list(FORM.items), dtype=float)
    measured = reliability(scores, pd.Series(1.0, index=FORM.items), cut_percent=50)
    page = technical_report({2: FORM}, [2], make_bank({"scope": 4}), blueprint({"scope": (4, 4)}, 4),
                            tmp_path / "forms.yaml", None, _statistics(), {2: measured})
    assert (f"<td>from the responses of 6 coaches</td><td>KR-20</td><td>{measured.coefficient:.2f}</td>" in page
            and measured.coefficient > 0.8)
