"""The register of forms given, the independent check of forms, and the report's rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainingkit.exam.angoff import CutScore
from trainingkit.exam.assemble import Form, assemble_cycles
from trainingkit.exam.forms import RegisterError, fix_form, plan_forms, read_register, report_rows, violations

from tests.exam.helpers import blueprint, make_bank

AREAS = {"danger": (1, 2), "dual": (2, 4), "scope": (2, 4)}


@pytest.fixture
def setting():
    bank = make_bank({"danger": 8, "dual": 14, "scope": 14})
    return bank, blueprint(AREAS, 8, target_difficulty=0.7)


def test_a_fixed_form_is_kept_exactly_and_cannot_be_fixed_twice(tmp_path: Path, setting) -> None:
    """Fixing a cycle registers its items and cut score; fixing it again is refused."""
    bank, plan = setting
    register = tmp_path / "forms.yaml"
    form = assemble_cycles(bank, plan, [1])[1]
    fix_form(register, bank, form, CutScore(71.2, None, "provisional"))
    record = read_register(register, bank)[1]
    assert record.form.items == form.items and record.form.fixed and record.cut.percent == 71.2
    with pytest.raises(RegisterError, match="cycle 1's form is already fixed"):
        fix_form(register, bank, form, CutScore(70.0, None, "provisional"))
    assert plan_forms(bank, plan, [1, 2], register)[1].items == form.items


def test_a_register_naming_an_unknown_item_is_refused(tmp_path: Path, setting) -> None:
    """A register that names an item no longer in the bank says which form and item."""
    bank, _ = setting
    register = tmp_path / "forms.yaml"
    register.write_text("forms:\n- {cycle: 1, items: [nope-001], cut_score: 70, cut_source: provisional}\n")
    with pytest.raises(RegisterError, match=r"forms\[1\]: items nope-001 are not in the bank"):
        read_register(register, bank)


def test_the_check_finds_each_broken_rule(setting) -> None:
    """A hand-made form breaking area bounds, length and overlap is caught rule by rule."""
    bank, plan = setting
    good = assemble_cycles(bank, plan, [1, 2])
    assert violations(good, bank, plan) == []
    scope_only = tuple(f"scope-{n:03d}" for n in range(1, 9))
    bad = {1: good[1], 2: Form(2, scope_only), 3: Form(3, scope_only)}
    problems = violations(bad, bank, plan)
    assert any("0 item(s) in danger" in p for p in problems)
    assert any("cycle 3: shares 8 items with cycle 2" in p for p in problems)


def test_the_report_has_a_row_per_form_with_coverage_and_cut_score(tmp_path: Path, setting) -> None:
    """Each form's row gives its status, coverage by area, overlap, expected score and cut score."""
    bank, plan = setting
    forms = assemble_cycles(bank, plan, [1, 2, 3])
    rows = report_rows(forms, bank, plan, tmp_path / "forms.yaml")
    assert [row["cycle"] for row in rows] == ["1", "2", "3"] and rows[0]["status"] == "planned"
    assert rows[0]["coverage"].startswith("danger=") and rows[0]["cut_source"] == "provisional"
    assert int(rows[1]["max_overlap_previous"]) <= plan.overlap_limit
