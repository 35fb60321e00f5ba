"""The curriculum meets its brief: counts, kinds, content notes and our own words."""

import shutil
import subprocess
from collections import Counter

import pytest

from trainingkit.bank import Kind, load_bank
from trainingkit.bank.model import DOMAINS
from trainingkit.course import Course
from trainingkit.lessons import Lesson, load_lessons

SENSITIVE = ("suicid", "self-harm", "self harm", "abuse", "alcohol", "drug", "substance")


def test_the_bank_has_at_least_72_vignettes_and_18_per_domain(project: Course) -> None:
    """The graded bank holds 72 or more vignettes, at least 18 in each of the four domains."""
    bank = load_bank(project.bank_dir)
    per_domain = Counter(v.domain for v in bank.values())
    assert len(bank) >= 72 and all(per_domain[d] >= 18 for d in DOMAINS)


def test_a_quarter_are_multiple_select_and_each_domain_has_a_reflection(project: Course) -> None:
    """At least a quarter of the items are multiple select, and every domain has a reflection."""
    bank = load_bank(project.bank_dir).values()
    assert sum(v.kind is Kind.MULTIPLE for v in bank) * 4 >= len(bank)
    assert {v.domain for v in bank if v.kind is Kind.REFLECTION} == set(DOMAINS)


def test_every_option_has_feedback_and_reflections_have_rubrics(project: Course) -> None:
    """Each choice option explains itself, and each reflection carries a rubric."""
    for vignette in load_bank(project.bank_dir).values():
        assert all(option.feedback for option in vignette.options)
        assert vignette.kind.is_choice or vignette.rubric


def test_sensitive_vignettes_carry_a_content_note(project: Course) -> None:
    """A scenario that mentions suicide, self-harm, abuse or substance use has a content note."""
    missing = [v.id for v in load_bank(project.bank_dir).values()
               if any(word in v.scenario.lower() for word in SENSITIVE) and not v.content_notes]
    assert missing == []


def _lesson_text(lesson: Lesson) -> str:
    parts = [*lesson.questions, *lesson.objectives, *lesson.key_points]
    for section in lesson.sections:
        parts += [section.heading, section.body]
        if section.check:
            parts.append(section.check.question)
            parts += [text for option in section.check.options for text in (option.text, option.feedback)]
    return " ".join(parts).lower()


#: Words that call for a content note in a lesson: suicide, self-harm, abuse, violence, substance use.
LESSON_SENSITIVE = (*SENSITIVE, "violen", "sexual", "crime", "crisis line")


def test_sensitive_lessons_open_with_a_content_note(project: Course) -> None:
    """A lesson whose text (body, checks or key points) touches suicide, self-harm, abuse, violence or
    substance use opens with a content note."""
    missing = [lesson.id for lesson in load_lessons(project.lessons_dir)
               if any(word in _lesson_text(lesson) for word in LESSON_SENSITIVE) and not lesson.content_note]
    assert missing == []


def test_walking_wounded_is_explained_where_it_is_used(project: Course) -> None:
    """The phrase "walking wounded" is never used without saying where it comes from and what it means."""
    for lesson in load_lessons(project.lessons_dir):
        for section in lesson.sections:
            if "walking wounded" in section.body.lower():
                assert "triage" in section.body and "can still walk" in section.body, lesson.id


def test_the_decision_model_comes_right_after_the_guiding_principles(project: Course) -> None:
    """Lesson 04 teaches the six-step model with a worked example and checks; later lessons use it."""
    lessons = load_lessons(project.lessons_dir)
    ids = [lesson.id for lesson in lessons]
    model = lessons[ids.index("03-guiding-principles") + 1]
    assert model.id == "04-ethical-decision-making"
    text = _lesson_text(model)
    for step in ("name the issue", "find the governing clauses", "weigh the options and who is affected",
                 "consult", "supervision", "act", "document", "worked example"):
        assert step in text, step
    assert sum(1 for section in model.sections if section.check) >= 2
    for slug in ("confidentiality-and-records", "dual-relationships", "client-safety"):
        later = next(lesson for lesson in lessons if lesson.id.endswith(slug))
        assert "decision model from lesson 4" in _lesson_text(later), later.id


def test_every_lesson_has_knowledge_checks(project: Course) -> None:
    """Every lesson checks understanding at least once."""
    assert [l.id for l in load_lessons(project.lessons_dir) if not any(s.check for s in l.sections)] == []


def test_nothing_is_copied_from_the_reference_texts(project: Course) -> None:
    """The paraphrase checker finds no run of 12 or more words shared with the references."""
    checker = project.root.parent / "shared" / "tools" / "paraphrase-check"
    if not checker.exists() or not shutil.which("bash"):
        pytest.skip("../shared/tools/paraphrase-check is not beside this checkout")
    result = subprocess.run([str(checker), str(project.root)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:]
