"""The register of forms given, the independent check of forms, and the report's rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainingkit.exam.angoff import CutScore
from trainingkit.exam.assemble import Form, assemble_cycles
from trainingkit.exam.forms import (RegisterError, fix_form, plan_forms, read_register, report_rows, set_cut,
                                   violations)

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


def test_a_fixed_forms_changed_item_is_named_and_a_rationale_edit_is_not(tmp_path: Path, setting) -> None:
    """Rewording a fixed item's question is a change to the form; a new rationale or area tag is not."""
    from dataclasses import replace

    from trainingkit.exam.forms import frozen_content_problems

    bank, plan = setting
    register = tmp_path / "forms.yaml"
    form = assemble_cycles(bank, plan, [1])[1]
    fix_form(register, bank, form, CutScore(71.2, None, "provisional"))
    first, second = form.items[:2]
    edited = {**bank, first: replace(bank[first], rationale="a better why", area="scope", angoff=0.5),
              second: replace(bank[second], question="a reworded question")}
    assert frozen_content_problems(read_register(register, bank), bank) == []
    [problem] = frozen_content_problems(read_register(register, edited), edited)
    assert problem.startswith("cycle 1's fixed form (fixed on ") and f"the text of {second} changed" in problem
    assert first not in problem and "--amend REASON" in problem


def test_an_amendment_accepts_the_change_with_its_date_and_reason(tmp_path: Path, setting) -> None:
    """Amending records was/now hashes, the date and the reason; the change is then no longer a problem."""
    import datetime as dt
    from dataclasses import replace

    from trainingkit.exam.forms import amend_form, content_hash, frozen_content_problems

    bank, plan = setting
    register = tmp_path / "forms.yaml"
    form = assemble_cycles(bank, plan, [1])[1]
    fix_form(register, bank, form, CutScore(71.2, None, "provisional"), on=dt.date(2026, 1, 5))
    item_id = form.items[3]
    edited = {**bank, item_id: replace(bank[item_id], options=bank[item_id].options[:3])}
    amendment = amend_form(register, edited, 1, "option d was a second right answer", on=dt.date(2026, 1, 9))
    assert amendment.items == {item_id: (content_hash(bank[item_id]), content_hash(edited[item_id]))}
    record = read_register(register, edited)[1]
    assert record.amendments == (amendment,) and record.fixed_on == "2026-01-05"
    assert frozen_content_problems({1: record}, edited) == []
    assert "amended_on: '2026-01-09'" in register.read_text()
    with pytest.raises(RegisterError, match="no item of cycle 1's form has changed"):
        amend_form(register, edited, 1, "again")


def test_a_register_without_content_hashes_is_named(tmp_path: Path, setting) -> None:
    """A form registered before hashes were kept is reported: its changes could not be seen."""
    from trainingkit.exam.forms import frozen_content_problems

    bank, _ = setting
    register = tmp_path / "forms.yaml"
    item_id = sorted(bank)[0]
    register.write_text(f"forms:\n- {{cycle: 1, items: [{item_id}], cut_score: 70, cut_source: provisional}}\n")
    assert frozen_content_problems(read_register(register, bank), bank) == [
        "cycle 1's fixed form records no content for its items, so a change to them cannot be seen"]


def test_the_panels_cut_replaces_a_provisional_one_with_a_dated_record_of_who_and_why(tmp_path: Path, setting) -> None:
    """72.1 provisional becomes the panel's 71.5, kept with the day, the old value, who set it and why."""
    import datetime as dt

    bank, plan = setting
    register = tmp_path / "forms.yaml"
    fix_form(register, bank, assemble_cycles(bank, plan, [1])[1], CutScore(72.1, None, "provisional"))
    change = set_cut(register, bank, 1, CutScore(71.5, 0.8, "5 raters"), by="Panel chair (A. Mensah)",
                     reason="Angoff panel, round 2", sittings=0, on=dt.date(2026, 12, 6))
    record = read_register(register, bank)[1]
    assert (record.cut.percent, record.cut.standard_error, record.cut.source) == (71.5, 0.8, "5 raters")
    assert record.cut_changes == (change,)
    assert (change.on, change.was, change.now, change.source, change.by, change.reason) == (
        "2026-12-06", 72.1, 71.5, "5 raters", "Panel chair (A. Mensah)", "Angoff panel, round 2")
    assert record.form.items == assemble_cycles(bank, plan, [1])[1].items


def test_a_cut_score_is_not_moved_after_a_sitting_nor_set_without_raters(tmp_path: Path, setting) -> None:
    """A form with results keeps its cut; a provisional value, or no name or reason, is refused; nothing is written."""
    bank, plan = setting
    register = tmp_path / "forms.yaml"
    fix_form(register, bank, assemble_cycles(bank, plan, [1])[1], CutScore(72.1, None, "provisional"))
    before = register.read_bytes()
    panel = CutScore(71.5, 0.8, "5 raters")
    with pytest.raises(RegisterError, match="already has 3 result\\(s\\) at cut score 72.1%"):
        set_cut(register, bank, 1, panel, by="chair", reason="round 2", sittings=3)
    with pytest.raises(RegisterError, match="comes from the panel's ratings"):
        set_cut(register, bank, 1, CutScore(70.0, None, "provisional"), by="chair", reason="r", sittings=0)
    with pytest.raises(RegisterError, match="needs who makes it"):
        set_cut(register, bank, 1, panel, by=" ", reason="round 2", sittings=0)
    with pytest.raises(RegisterError, match="cycle 2's form is not fixed"):
        set_cut(register, bank, 2, panel, by="chair", reason="round 2", sittings=0)
    assert register.read_bytes() == before


def test_a_parallel_form_replaces_nothing_and_the_next_periods_form_replaces_both(tmp_path: Path, setting) -> None:
    """cycle 2 fixed as cycle 1's parallel form keeps cycle 1's period open; cycle 3's form closes it for both."""
    import datetime as dt

    from trainingkit.exam.forms import replaced_on

    bank, plan = setting
    register = tmp_path / "forms.yaml"
    forms = assemble_cycles(bank, plan, [1, 2, 3])
    fix_form(register, bank, forms[1], CutScore(71.0, None, "provisional"), on=dt.date(2026, 1, 1))
    with pytest.raises(RegisterError, match="cycle 5 has no form of its own period fixed to be parallel to"):
        fix_form(register, bank, forms[2], CutScore(72.0, None, "provisional"), parallel_to=5)
    fix_form(register, bank, forms[2], CutScore(72.0, None, "provisional"), on=dt.date(2026, 2, 1), parallel_to=1)
    fixed = read_register(register, bank)
    assert fixed[2].parallel_to == 1 and replaced_on(fixed, 1) is None and replaced_on(fixed, 2) is None
    fix_form(register, bank, forms[3], CutScore(70.0, None, "provisional"), on=dt.date(2028, 1, 1))
    fixed = read_register(register, bank)
    assert replaced_on(fixed, 1) == replaced_on(fixed, 2) == "2028-01-01" and replaced_on(fixed, 3) is None
    register.write_text(register.read_text().replace("parallel_to: 1", "parallel_to: 2"))
    with pytest.raises(RegisterError, match=r"forms\[2\]: parallel_to must name an earlier cycle"):
        read_register(register, bank)
