"""Assignments as data: which vignettes each nbgrader assignment holds and how it gives feedback."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

from trainingkit.bank.model import Kind, Vignette

ASSIGNMENT_ID = re.compile(r"^[a-z][a-z0-9-]*$")


def pass_mark_sentence(pass_mark: float, *, cut_score: bool) -> str:
    """The one way the form and its feedback letter state the pass mark.

    ``cut_score`` says it is a fixed review form's cut score (coursework/forms.yaml), which the
    office's records and the certificate state too: the number is never rounded or rescaled.
    """
    return f"The pass mark is {pass_mark:g}% of the points" + (": this form's cut score." if cut_score else ".")


class FeedbackMode(str, Enum):
    """What returned feedback reveals."""

    #: Practice: the best answer, why, and feedback on the chosen option.
    PRACTICE = "practice"
    #: Review (the renewal course): items and code sections to revisit, never the key.
    REVIEW = "review"


class AssignmentError(ValueError):
    """The assignments file is wrong; the message names file, assignment and field."""


@dataclass(frozen=True)
class Assignment:
    """One nbgrader assignment built from the bank."""

    id: str
    title: str
    feedback: FeedbackMode
    items: tuple[str, ...]
    introduction: str = ""
    pass_mark: float | None = None
    #: The renewal cycle whose fixed ethics review form (coursework/forms.yaml) this assignment is.
    form_cycle: int | None = None

    def vignettes(self, bank: Mapping[str, Vignette]) -> list[Vignette]:
        """The assignment's vignettes in the order trainees meet them: choices, then reflections."""
        chosen = [bank[item] for item in self.items]
        return ([v for v in chosen if v.kind is not Kind.REFLECTION]
                + [v for v in chosen if v.kind is Kind.REFLECTION])

    @property
    def pass_mark_sentence(self) -> str | None:
        """How the form and its feedback state the pass mark (``None`` without one)."""
        if self.pass_mark is None:
            return None
        return pass_mark_sentence(self.pass_mark, cut_score=self.form_cycle is not None)

    def automatic_points(self, bank: Mapping[str, Vignette]) -> float:
        return sum(v.points for v in self.vignettes(bank) if v.kind.is_choice)


def case_set_problem(items: Sequence[str], bank: Mapping[str, Vignette]) -> str:
    """Why ``items`` break a case set (every part, together, in order), or "" when none does."""
    for case in dict.fromkeys(bank[i].case for i in items if bank[i].case):
        expected = [v.id for v in sorted((v for v in bank.values() if v.case == case), key=lambda v: v.part)]
        where = [n for n, item in enumerate(items) if bank[item].case == case]
        given = [items[n] for n in where]
        if given != expected or where != list(range(where[0], where[0] + len(where))):
            return (f"case set {case} must be given whole, its parts one after another in order: "
                    f"{', '.join(expected)}")
    return ""


def _parse(raw: Any, path: Path, bank: Mapping[str, Vignette]) -> Assignment:
    name = raw.get("id") if isinstance(raw, dict) else None

    def fail(field: str, message: str) -> None:
        raise AssignmentError(f"{path}: assignment {name!r}: field {field!r}: {message}")

    if not isinstance(raw, dict):
        raise AssignmentError(f"{path}: each assignment must be a mapping")
    if not isinstance(name, str) or not ASSIGNMENT_ID.match(name):
        fail("id", "must be lower-case words joined by dashes, e.g. practice-foundations")
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        fail("title", "must be non-empty text")
    try:
        mode = FeedbackMode(raw.get("feedback", "practice"))
    except ValueError:
        fail("feedback", "must be practice or review")
    items = raw.get("items")
    form_cycle = None
    if "form" in raw:
        spec = raw["form"]
        if "items" in raw:
            fail("form", "an assignment either lists items or is a fixed review form, not both")
        if (not isinstance(spec, dict) or set(spec) != {"cycle"} or isinstance(spec["cycle"], bool)
                or not isinstance(spec["cycle"], int) or spec["cycle"] < 1):
            fail("form", "must be {cycle: N}: the renewal cycle whose fixed form this is")
        form_cycle = spec["cycle"]
        items = ["(the fixed form)"]
    elif not isinstance(items, list) or not items:
        fail("items", "must list the vignette ids the assignment holds")
    for item in items if form_cycle is None else ():
        if item not in bank:
            fail("items", f"{item!r} is not in the bank")
    if len(set(items)) != len(items):
        fail("items", "lists a vignette twice")
    broken = case_set_problem(items, bank) if form_cycle is None else ""
    if broken:
        fail("items", broken)
    if form_cycle is not None and "pass_mark" in raw:
        fail("pass_mark", "a fixed review form passes at its own cut score (coursework/forms.yaml)")
    pass_mark = raw.get("pass_mark")
    if pass_mark is not None and (isinstance(pass_mark, bool) or not isinstance(pass_mark, (int, float))
                                  or not 0 < pass_mark <= 100):
        fail("pass_mark", "must be a percentage above 0 and at most 100")
    return Assignment(id=name, title=title.strip(), feedback=mode, items=tuple(items),
                      introduction=str(raw.get("introduction", "")).strip(),
                      pass_mark=float(pass_mark) if pass_mark is not None else None, form_cycle=form_cycle)


def load_assignments(path: Path | str, bank: Mapping[str, Vignette], register: Path | str | None = None,
                     *, resolve_forms: bool = True) -> dict[str, Assignment]:
    """Read and check every assignment of the course against the bank.

    A review assignment given as ``form: {cycle: N}`` takes the items and cut score of cycle
    N's fixed form from ``register`` (default: ``forms.yaml`` beside the assignments file),
    unless ``resolve_forms`` is false (for assembling forms, before any is fixed).
    """
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise AssignmentError(f"{path}: cannot be read: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("assignments"), list):
        raise AssignmentError(f"{path}: must be a mapping with an 'assignments' list")
    assignments: dict[str, Assignment] = {}
    for raw in document["assignments"]:
        assignment = _parse(raw, path, bank)
        if assignment.id in assignments:
            raise AssignmentError(f"{path}: assignment {assignment.id!r} is defined twice")
        assignments[assignment.id] = assignment
    for assignment in [a for a in assignments.values() if a.form_cycle is not None and resolve_forms]:
        from trainingkit.exam.forms import RegisterError, read_register

        register_path = Path(register) if register else path.with_name("forms.yaml")
        try:
            fixed = read_register(register_path, bank).get(assignment.form_cycle)
        except RegisterError as error:
            raise AssignmentError(str(error)) from None
        if fixed is None:
            raise AssignmentError(
                f"{path}: assignment {assignment.id!r}: field 'form': cycle {assignment.form_cycle}'s form is not "
                f"fixed in {register_path}: run `trainingkit review-form --cycle {assignment.form_cycle} --fix`")
        assignments[assignment.id] = replace(assignment, items=fixed.form.items, pass_mark=fixed.cut.percent)
    return assignments
