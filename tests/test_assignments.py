"""Assignments: practice sets per domain and an ethics review that is a fixed form of the blueprint."""

from pathlib import Path

import pytest

from trainingkit.assignments import AssignmentError, FeedbackMode, load_assignments
from trainingkit.bank import load_bank
from trainingkit.bank.model import DOMAINS
from trainingkit.course import Course


@pytest.fixture(scope="module")
def course_data(project: Course):
    bank = load_bank(project.bank_dir)
    return bank, load_assignments(project.assignments_file, bank)


def test_there_is_a_practice_assignment_per_domain(course_data) -> None:
    """Each domain has a practice assignment whose items all come from that domain."""
    bank, assignments = course_data
    for domain in DOMAINS:
        practice = [a for a in assignments.values() if a.feedback is FeedbackMode.PRACTICE
                    and {bank[i].domain for i in a.items} == {domain}]
        assert practice, f"no practice assignment for {domain}"


def test_the_review_is_cycle_1s_fixed_form_passing_at_its_cut_score(course_data, project: Course) -> None:
    """The ethics review holds the fixed form of its cycle and passes at that form's cut score."""
    from trainingkit.exam.forms import read_register

    bank, assignments = course_data
    review = assignments["ethics-review"]
    fixed = read_register(project.forms_file, bank)[review.form_cycle]
    assert review.items == fixed.form.items and review.pass_mark == fixed.cut.percent
    assert review.feedback is FeedbackMode.REVIEW and all(bank[i].kind.is_choice for i in review.items)


def test_review_items_are_never_shown_in_practice(course_data) -> None:
    """No review item appears in a practice assignment, whose feedback explains the key."""
    _, assignments = course_data
    practice = {i for a in assignments.values() if a.feedback is FeedbackMode.PRACTICE for i in a.items}
    assert not practice & set(assignments["ethics-review"].items)


def test_a_form_not_yet_fixed_is_refused_with_the_command_to_fix_it(tmp_path: Path, course_data) -> None:
    """A review naming a cycle with no fixed form says which command fixes it."""
    bank, _ = course_data
    path = tmp_path / "assignments.yaml"
    path.write_text("assignments:\n  - {id: review, title: T, feedback: review, form: {cycle: 7}}\n")
    with pytest.raises(AssignmentError, match=r"cycle 7's form is not fixed .*review-form --cycle 7 --fix"):
        load_assignments(path, bank)


def test_an_unknown_item_is_named(tmp_path: Path, course_data) -> None:
    """An assignment listing a vignette the bank lacks names the file, assignment and item."""
    bank, _ = course_data
    path = tmp_path / "assignments.yaml"
    path.write_text("assignments:\n  - {id: a-one, title: T, items: [scope-001, nope-001]}\n")
    with pytest.raises(AssignmentError, match=r"assignments\.yaml: assignment 'a-one': field 'items': 'nope-001'"):
        load_assignments(path, bank)


@pytest.mark.parametrize("items", [["scope-911"], ["scope-912", "scope-911"], ["scope-911", "scope-001", "scope-912"]])
def test_a_case_set_must_be_given_whole_and_in_order(tmp_path: Path, course_data, items: list[str]) -> None:
    """An assignment with part of a case set, its parts out of order or apart, is refused naming the parts."""
    from dataclasses import replace

    bank, _ = course_data
    bank = {**bank, **{f"scope-91{n}": replace(bank["scope-001"], id=f"scope-91{n}", case="case-scope-09",
                                              part=n, parts=2) for n in (1, 2)}}
    path = tmp_path / "assignments.yaml"
    path.write_text(f"assignments:\n  - {{id: a-one, title: T, items: [{', '.join(items)}]}}\n")
    with pytest.raises(AssignmentError, match="case set case-scope-09 must be given whole.*scope-911, scope-912"):
        load_assignments(path, bank)
    path.write_text("assignments:\n  - {id: a-one, title: T, items: [scope-001, scope-911, scope-912]}\n")
    assert load_assignments(path, bank)["a-one"].items == ("scope-001", "scope-911", "scope-912")
