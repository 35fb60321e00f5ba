"""The blueprint as validated data: the course's own loads, and every mistake names its line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainingkit.course import Course
from trainingkit.exam.blueprint import BlueprintError, load_blueprint

GOOD_AREA = '{id: danger, title: Danger, section: "Code of Ethics > Confidentiality", min: 1, max: 2}'


def _write(tmp_path: Path, form: str, areas: str) -> Path:
    path = tmp_path / "blueprint.yaml"
    path.write_text(f"form:\n{form}\nareas:\n{areas}\n")
    return path


def test_the_course_blueprint_names_each_high_stakes_rule_as_an_area(project: Course) -> None:
    """The shipped blueprint loads, and every high-stakes rule of the issue is an area of its own."""
    plan = load_blueprint(project.blueprint_file)
    high = {area.id for area in plan.areas if area.high_stakes}
    assert {"risk-suicidality", "substances-in-session", "minors-couples-families", "danger-exception",
            "consent-exception", "subpoena-exception", "abuse-exception", "mandatory-reporting", "not-leaving-unsafe",
            "dual-relationships", "psychedelics", "charges-reporting", "lapse-renewal"} <= high
    assert plan.overlap_limit == 4 and plan.tolerance == 0.01 and plan.exposure_limit == 7


def test_every_high_stakes_area_names_its_rules_and_each_is_a_clause_of_the_code(project: Course) -> None:
    """Each high-stakes area lists the rules it holds (the substances area three), all in the clause catalogue."""
    from trainingkit.coverage import load_clauses

    plan = load_blueprint(project.blueprint_file)
    clauses = {clause.id for clause in load_clauses(project.clauses_file)}
    assert all(area.rules for area in plan.areas if area.high_stakes)
    assert plan.area("substances-in-session").rules == ("scope-physical-risk", "scope-client-intoxicated",
                                                        "scope-coach-impaired")
    assert "scope-suicidal" in plan.area("risk-suicidality").rules
    assert {rule for rule, _ in plan.rules} <= clauses


@pytest.mark.parametrize("rules, message", [
    ("[Bad Rule]", "must be a list of clause ids"),
    ("[scope-suicidal, scope-suicidal]", "lists a rule twice"),
])
def test_a_bad_rules_list_is_named_with_its_line(tmp_path: Path, rules: str, message: str) -> None:
    """A rule that is not a clause id, or one listed twice, names the blueprint's line and the area's field."""
    area = f'{{id: danger, title: D, section: "Code of Ethics > Confidentiality", rules: {rules}, min: 1, max: 2}}'
    path = _write(tmp_path, "  items: 2", f"  - {area}")
    with pytest.raises(BlueprintError, match=f"blueprint.yaml:4: field 'areas\\[1\\].rules': {message}"):
        load_blueprint(path)


def test_exposure_and_parallel_targets_load_and_a_bad_one_is_named(tmp_path: Path) -> None:
    """The period, exposure cap and parallel tolerances are read; an exposure above 1 names its field."""
    area = '{id: danger, title: D, section: "Code of Ethics > Confidentiality", min: 1, max: 2}'
    good = _write(tmp_path, "  items: 2\n  period: 8\n  max_exposure: 0.25\n  points_tolerance: 1\n"
                            "  high_stakes_tolerance: 2\n  spread_tolerance: 0.02", f"  - {area}")
    plan = load_blueprint(good)
    assert (plan.period, plan.exposure_limit, plan.points_tolerance, plan.high_stakes_tolerance,
            plan.spread_tolerance) == (8, 2, 1, 2, 0.02)
    assert plan.period_of(9) == range(9, 17)
    bad = _write(tmp_path, "  items: 2\n  max_exposure: 1.5", f"  - {area}")
    with pytest.raises(BlueprintError, match="field 'form.max_exposure'"):
        load_blueprint(bad)


@pytest.mark.parametrize("area, message", [
    ('{id: danger, title: D, section: "Nowhere", min: 1, max: 2}', "areas[1].section"),
    ('{id: danger, title: D, section: "Code of Ethics > Confidentiality", min: 3, max: 2}', "is below its min"),
    ('{id: Danger!, title: D, section: "Code of Ethics > Confidentiality", min: 1, max: 2}', "areas[1].id"),
    ('{id: danger, section: "Code of Ethics > Confidentiality", min: 1, max: 2}', "areas[1].title"),
])
def test_a_bad_area_is_named_with_its_line_and_field(tmp_path: Path, area: str, message: str) -> None:
    """A wrong section, bounds, id or missing title names the blueprint's line and the field."""
    path = _write(tmp_path, "  items: 2", f"  - {area}")
    with pytest.raises(BlueprintError, match="blueprint.yaml:4: field") as raised:
        load_blueprint(path)
    assert message in str(raised.value)


def test_a_form_too_short_for_the_minimums_is_refused(tmp_path: Path) -> None:
    """A form shorter than the areas' minimums together is refused, with both numbers."""
    other = GOOD_AREA.replace("danger", "dual")
    path = _write(tmp_path, "  items: 1", f"  - {GOOD_AREA}\n  - {other}")
    with pytest.raises(BlueprintError, match="1 items cannot meet the areas' minimums, which add up to 2"):
        load_blueprint(path)
