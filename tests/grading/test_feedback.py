"""Feedback text: strengths first, and what it reveals depends on the assignment."""

from html import escape as html_escape

from trainingkit.assignments import FeedbackMode
from trainingkit.bank import load_bank
from trainingkit.course import Course
from trainingkit.grading.feedback import item_feedback_html, summary_html
from trainingkit.scoring import score_choice


def _wrong_answer(project: Course):
    vignette = load_bank(project.bank_dir)["scope-001"]
    wrong = next(o.id for o in vignette.options if o.id not in vignette.key)
    return vignette, score_choice(vignette, wrong)


def test_practice_feedback_explains_the_best_answer(project: Course) -> None:
    """Practice feedback names the best answer, why, and what was wrong with the choice."""
    vignette, result = _wrong_answer(project)
    html = item_feedback_html(vignette, result, FeedbackMode.PRACTICE)
    best = vignette.option(next(iter(vignette.key)))
    assert "The best answer" in html and best.text[:30] in html
    assert vignette.option(result.chosen[0]).feedback[:30] in html


def test_review_feedback_names_the_section_but_not_the_key(project: Course) -> None:
    """Review feedback points to the code section and hides the key, rationale and option feedback."""
    vignette, result = _wrong_answer(project)
    html = item_feedback_html(vignette, result, FeedbackMode.REVIEW)
    assert html_escape(vignette.code_section) in html and "Revisit" in html
    best = vignette.option(next(iter(vignette.key)))
    assert best.text[:30] not in html and vignette.rationale[:30] not in html
    assert all(option.feedback[:30] not in html for option in vignette.options)


def test_the_verdict_is_in_words_not_only_colour(project: Course) -> None:
    """Right and wrong are stated in words."""
    vignette, result = _wrong_answer(project)
    right = score_choice(vignette, next(iter(vignette.key)))
    assert "Not yet" in item_feedback_html(vignette, result, FeedbackMode.REVIEW)
    assert "Full marks" in item_feedback_html(vignette, right, FeedbackMode.REVIEW)


def test_the_summary_puts_strengths_first_and_states_the_pass_mark(project: Course) -> None:
    """The summary lists what went well before what to revisit, and compares with the pass mark."""
    vignette, wrong = _wrong_answer(project)
    other = load_bank(project.bank_dir)["scope-003"]
    right = score_choice(other, next(iter(other.key)))
    html = summary_html([vignette, other], [wrong, right], pass_mark=80)
    assert html.index("What you did well") < html.index("What to revisit")
    assert "pass mark is 80%" in html and "below it" in html


def test_a_summary_with_no_right_answer_still_opens_with_a_strength(project: Course) -> None:
    """Even with no full marks, the summary opens by naming what the trainee did."""
    vignette, wrong = _wrong_answer(project)
    html = summary_html([vignette], [wrong], pass_mark=None)
    assert html.index("What you did well") < html.index("recorded 1 answer")


def test_partly_right_practice_feedback_names_the_right_options_missed(project: Course) -> None:
    """A half-right multiple select is told which right options it did not tick, with points to two decimals."""
    from trainingkit.bank.model import Kind

    bank = load_bank(project.bank_dir)
    vignette = next(v for v in bank.values() if v.kind is Kind.MULTIPLE and len(v.key) == 3)
    first, *missed = sorted(vignette.key)
    result = score_choice(vignette, [first])
    html = item_feedback_html(vignette, result, FeedbackMode.PRACTICE)
    assert f"you did not tick: {', '.join(m.upper() for m in missed)}" in html
    assert f"{round(result.earned, 2):g} of" in html and "3333" not in html
    assert "did not tick" not in item_feedback_html(vignette, result, FeedbackMode.REVIEW)


def test_a_later_case_parts_feedback_repeats_its_question(project: Course) -> None:
    """Part 2 of a case set prints its question in feedback, since only its widget showed it; part 1 does not."""
    bank = load_bank(project.bank_dir)
    for part, shown in (("safety-407", True), ("safety-406", False)):
        vignette = bank[part]
        html = item_feedback_html(vignette, score_choice(vignette, vignette.options[0].id), FeedbackMode.REVIEW)
        assert (f"The question: {html_escape(vignette.question.strip())}" in html) is shown


def test_the_summary_tells_the_parts_of_one_case_apart(project: Course) -> None:
    """Two parts of one case set share a title; the summary names each with its part, never one title twice."""
    bank = load_bank(project.bank_dir)
    first, second = bank["safety-406"], bank["safety-407"]
    assert first.case and first.case == second.case and first.title == second.title
    results = [score_choice(v, next(iter(v.key))) for v in (first, second)]
    html = summary_html([first, second], results, pass_mark=None)
    assert f"{html_escape(first.title)} (part 1 of {first.parts})" in html
    assert f"{html_escape(first.title)} (part 2 of {first.parts})" in html
