"""Scoring rules: a recorded answer against a vignette's key. Pure functions.

Multiple select earns net-correct partial credit: each option in the key is worth
``points / len(key)``; every correct choice earns that share, every wrong choice
takes one share away, and the total is floored at zero. Choosing every option
therefore never beats choosing only the right ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from trainingkit.answers import AnswerValue
from trainingkit.bank.model import Kind, Vignette


@dataclass(frozen=True)
class ItemResult:
    """How one choice item was answered and what it earned."""

    question_id: str
    chosen: tuple[str, ...]
    earned: float
    possible: float
    problem: str = ""

    @property
    def answered(self) -> bool:
        return bool(self.chosen)

    @property
    def full_marks(self) -> bool:
        return self.earned == self.possible


def chosen_options(vignette: Vignette, value: AnswerValue | None) -> tuple[tuple[str, ...], str]:
    """The option ids a recorded value names, and a note when it names something else."""
    if value is None or value == "" or value == []:
        return (), ""
    values = [value] if isinstance(value, str) else list(value)
    known = {option.id for option in vignette.options}
    unknown = sorted(set(values) - known)
    if unknown:
        return (), f"the recorded answer {', '.join(unknown)!s} is not an option of this question"
    if vignette.kind is Kind.SINGLE and len(set(values)) != 1:
        return (), "a single-choice question was recorded with several answers"
    return tuple(sorted(set(values))), ""


def score_choice(vignette: Vignette, value: AnswerValue | None) -> ItemResult:
    """Points earned by a recorded answer to a single-choice or multiple-select vignette."""
    if not vignette.kind.is_choice:
        raise ValueError(f"{vignette.id} is a reflection: it is graded by a supervisor")
    chosen, problem = chosen_options(vignette, value)
    if vignette.kind is Kind.SINGLE:
        earned = vignette.points if chosen and chosen[0] in vignette.key else 0.0
    else:
        share = vignette.points / len(vignette.key)
        right = sum(1 for option in chosen if option in vignette.key)
        wrong = len(chosen) - right
        earned = max(0.0, (right - wrong) * share)
    return ItemResult(vignette.id, chosen, round(earned, 4), vignette.points, problem)
