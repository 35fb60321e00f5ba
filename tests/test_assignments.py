"""Assignments: practice sets per domain and an ethics review drawn anew each renewal cycle."""

from dataclasses import replace
from pathlib import Path

import pytest

from trainingkit.assignments import AssignmentError, FeedbackMode, draw_form, load_assignments, review_pools
from trainingkit.bank import load_bank
from trainingkit.bank.model import DOMAINS
from trainingkit.course import Course


@pytest.fixture(scope="module")
def course_data(project: Course):
    bank = load_bank(project.bank_dir)
    return bank, load_assignments(project.assignments_file, bank)


def _form(course_data, cycle: int) -> tuple[str, ...]:
    bank, assignments = course_data
    review = assignments["ethics-review"]
    practice = {i for a in assignments.values() if a.draw is None for i in a.items}
    return draw_form(bank, review_pools(bank, practice), replace(review.draw, cycle=cycle))


def test_there_is_a_practice_assignment_per_domain(course_data) -> None:
    """Each domain has a practice assignment whose items all come from that domain."""
    bank, assignments = course_data
    for domain in DOMAINS:
        practice = [a for a in assignments.values() if a.feedback is FeedbackMode.PRACTICE
                    and {bank[i].domain for i in a.items} == {domain}]
        assert practice, f"no practice assignment for {domain}"


def test_the_review_has_an_80_percent_pass_mark_and_reveals_no_key(course_data) -> None:
    """The ethics review passes at 80% and gives review feedback, not the key."""
    _, assignments = course_data
    review = assignments["ethics-review"]
    assert review.pass_mark == 80 and review.feedback is FeedbackMode.REVIEW


def test_the_review_draws_from_every_domain(course_data) -> None:
    """A review form holds the same number of choice items from every domain."""
    bank, assignments = course_data
    review = assignments["ethics-review"]
    per_domain = {d: sum(bank[i].domain == d for i in review.items) for d in DOMAINS}
    assert set(per_domain.values()) == {review.draw.per_domain}
    assert all(bank[i].kind.is_choice for i in review.items)


def test_review_items_are_never_shown_in_practice(course_data) -> None:
    """No review item appears in a practice assignment, whose feedback explains the key."""
    _, assignments = course_data
    practice = {i for a in assignments.values() if a.draw is None for i in a.items}
    for cycle in range(1, 6):
        assert not practice & set(_form(course_data, cycle))


def test_a_form_is_reproducible_from_its_seed_and_cycle(course_data) -> None:
    """Drawing the same cycle twice gives the same form."""
    assert _form(course_data, 3) == _form(course_data, 3)


@pytest.mark.parametrize("cycle", range(1, 9))
def test_consecutive_cycles_share_no_item(course_data, cycle: int) -> None:
    """Two consecutive renewal cycles get forms with no item in common."""
    assert not set(_form(course_data, cycle)) & set(_form(course_data, cycle + 1))


def test_an_unknown_item_is_named(tmp_path: Path, course_data) -> None:
    """An assignment listing a vignette the bank lacks names the file, assignment and item."""
    bank, _ = course_data
    path = tmp_path / "assignments.yaml"
    path.write_text("assignments:\n  - {id: a-one, title: T, items: [scope-001, nope-001]}\n")
    with pytest.raises(AssignmentError, match=r"assignments\.yaml: assignment 'a-one': field 'items': 'nope-001'"):
        load_assignments(path, bank)


def test_a_draw_too_large_for_the_pool_is_refused(tmp_path: Path, course_data) -> None:
    """A review that would repeat items between consecutive cycles is refused with the reason."""
    bank, _ = course_data
    path = tmp_path / "assignments.yaml"
    path.write_text("assignments:\n  - {id: review, title: T, feedback: review,"
                    " draw: {per_domain: 15, seed: 1, cycle: 1}}\n")
    with pytest.raises(AssignmentError, match="at least 30 choice items"):
        load_assignments(path, bank)
