"""Items corrected against the reference texts (issue 22) say what the Code says, and cite where."""

from __future__ import annotations

from trainingkit.bank import load_bank
from trainingkit.course import Course


def test_scope_019_gives_no_marks_for_coaching_adoption_trauma_while_training(project: Course) -> None:
    """The next-step criterion scores 0 for coaching Arjun's adoption trauma meanwhile, a course or not,
    since a coach does not offer services whose focus needs help outside their competence."""
    item = load_bank(project.bank_dir)["scope-019"]
    [step] = [c for c in item.rubric if c.criterion.startswith("Declines to make adoption trauma the focus")]
    top, *_, bottom = step.levels
    assert "while lacking competence" in top.description and "not as licence" in top.description
    assert bottom.points == 0 and "while taking a course" in bottom.description
    assert "focus of care" in item.rationale and "Scope of Practice and Competence" in item.rationale


def test_safety_110_is_filed_under_the_danger_exception_it_tests(project: Course) -> None:
    """safety-110 asks whether the danger exception to confidentiality applies: area and section say so."""
    item = load_bank(project.bank_dir)["safety-110"]
    assert (item.area, item.code_section) == ("danger-exception", "Code of Ethics > Confidentiality")


def test_dual_009_makes_no_rule_about_former_clients(project: Course) -> None:
    """dual-009's rationale calls joining current clients' chat a dual relationship, and a dinner after the
    group ends no breach: the Code speaks of clients and sets no rule about former ones."""
    rationale = " ".join(load_bank(project.bank_dir)["dual-009"].rationale.split())
    assert "still Dolores's clients" in rationale and "no rule about social contact with former clients" in rationale
    assert "Guiding Principles > Work with Clients" in rationale


def test_safety_221_rests_on_code_rules_not_on_the_ittc_scope_text(project: Course) -> None:
    """safety-221's plans break rules of the Code itself (diagnosis, medication advice); no ITTC clause."""
    item = load_bank(project.bank_dir)["safety-221"]
    assert "trauma memories" not in item.scenario and "antidepressants" in item.scenario
    assert set(item.clauses) == {"std-credentials-current", "scope-no-diagnosis", "scope-no-medication"}
    assert "psychotropic medication (Code of Ethics > Scope of Practice and Competence)" in " ".join(item.rationale.split())


def test_lesson_04_keeps_the_code_apart_from_the_principles_and_the_ittc_text(project: Course) -> None:
    """Lesson 04 files the guiding principles and ITTC's scope statement beside the Code, not in it."""
    text = " ".join((project.lessons_dir / "04-ethical-decision-making.yaml").read_text(encoding="utf-8").split())
    assert "What the Code of Ethics, the guiding principles and the scope texts actually say" not in text
    assert 'When this workbook says "the Code", it means this and nothing else.' in text
    assert "Integrative Trauma Treatment Center (ITTC)" in text and "not an IATRC standard" in text
