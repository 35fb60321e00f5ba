"""One pass mark: the fixed review form's cut score, said and applied the same way everywhere (issue 20, part 3)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from trainingkit.assignments import load_assignments
from trainingkit.bank import load_bank
from trainingkit.course import Course
from trainingkit.credentials.model import credential_document, facts_of
from trainingkit.credentials.office import Issuer
from trainingkit.exam.certificate import certified_facts, review_event
from trainingkit.exam.forms import read_register
from trainingkit.grading.feedback import summary_html
from trainingkit.lessons import load_lessons, render_lesson
from trainingkit.render.assignment import render_assignment
from trainingkit.renewal.events import Event, EventKind, exact
from trainingkit.renewal.records import HEADER_LINE
from trainingkit.renewal.reviews import review_attempts
from trainingkit.renewal.rules import status_on
from trainingkit.renewal.status import Status
from trainingkit.renewal.workspace import office_policy
from trainingkit.scoring import ItemResult

PERCENT = re.compile(r"\d+(?:\.\d+)?%")


@pytest.fixture(scope="module")
def cut(project: Course) -> float:
    """The cut score of the form the ethics review gives, as coursework/forms.yaml fixes it."""
    bank = load_bank(project.bank_dir)
    review = load_assignments(project.assignments_file, bank)["ethics-review"]
    assert review.form_cycle is not None
    return read_register(project.forms_file, bank)[review.form_cycle].cut.percent


def test_the_form_and_its_feedback_state_the_cut_score_in_the_same_words(project: Course, cut: float) -> None:
    """The released form and the feedback letter both say 'The pass mark is <cut>% of the points: this form's cut score.'"""
    bank = load_bank(project.bank_dir)
    review = load_assignments(project.assignments_file, bank)["ethics-review"]
    sentence = f"The pass mark is {cut:g}% of the points: this form's cut score."
    form_text = "".join(cell.source for cell in render_assignment(review, bank).cells if cell.cell_type == "markdown")
    assert sentence in form_text
    vignettes = review.vignettes(bank)
    just_under = [ItemResult(v.id, ("a",), earned=0.0, possible=v.points) for v in vignettes]
    letter = summary_html(vignettes, just_under, pass_mark=review.pass_mark, cut_score=True)
    assert sentence in letter and "below it" in letter
    assert set(PERCENT.findall(form_text)) == {f"{cut:g}%"}


def test_the_offices_policy_names_no_mark_of_its_own(project: Course) -> None:
    """Lesson 11's policy box and the office notebook's policy say 'cut score of the form', with no 80% mark."""
    (lesson,) = [lesson for lesson in load_lessons(project.lessons_dir) if lesson.id == "11-certification-and-renewal"]
    box = next(cell.source for cell in render_lesson(lesson).cells if "The pass mark" in cell.source
               and "policy" in cell.id)
    policy = str(office_policy())
    for text in (box, policy):
        assert "cut score" in text and "80%" not in text
    assert "at or above the cut score of the form sat" in policy


def test_records_rules_and_credential_carry_the_forms_cut_score_unrounded(cut: float) -> None:
    """A pass just at the cut and a fail just under it read the same in the log line, the rules and the credential."""
    passed_on = dt.date(2026, 12, 1)
    for score, passes in ((cut, True), (cut - 0.04, False)):
        line = Event("C042", passed_on, EventKind.REVIEW, score=score, cut_score=cut, form="cycle-1")
        assert line.review is not None and line.review.passed is passes
        assert str(line.review) == f"{exact(score)} / {cut:g}"
        certified = Event("C042", dt.date(2024, 12, 20), EventKind.CERTIFIED)
        status = status_on([certified, line], dt.date(2026, 12, 2)).status
        assert status is (Status.READY_TO_RENEW if passes else Status.RENEWAL_DUE)
    facts = certified_facts(coach_id="C042", name="Ada Okafor", cycle=1, score=cut, cut_score=cut, passed_on=passed_on,
                            form_fixed_on=dt.date(2026, 11, 29), next_form_fixed_on=None, today=passed_on)
    assert review_event(facts) == f"C042,2026-12-01,review,,,{cut:g},,{cut:g},cycle-1"
    issuer = Issuer("Board", "https://certification.example.org/coaches")
    document = credential_document(facts, issuer=issuer, code="TK-AAAA-BBBB-CCCC", status_index=0)
    assert facts_of(document, issuer)[0].cut_score == cut


def test_a_review_line_from_the_register_reads_back_with_the_same_cut(tmp_path, cut: float) -> None:
    """The log line the register writes reads back as score / cut, and the report says so."""
    from trainingkit.renewal.logfile import read_event_log
    from trainingkit.renewal.report import review_csv

    path = tmp_path / "log.csv"
    path.write_text(HEADER_LINE + "C042,2024-12-20,certified,,,,,,\n"
                    f"C042,2026-12-01,review,,,{exact(cut - 0.04)},,{cut:g},cycle-1\n")
    log = read_event_log(path)
    table = log.statuses_on(dt.date(2026, 12, 2))
    (attempts,) = review_attempts(log, table)
    assert attempts.last is not None and attempts.last.cut_score == cut and attempts.last_failed
    assert f"{exact(cut - 0.04)} / {cut:g}" in review_csv(table, [attempts])
