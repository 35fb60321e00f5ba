"""A demonstration cohort: made-up trainees, generated from a seed, for a dashboard with no grades yet.

Every number here is invented. Trainees have a made-up ability and pace; each item a
made-up difficulty and discrimination (a few are deliberately poor, too easy or too
hard, so the question-quality plot has something to show). The same seed always gives
the same cohort.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from trainingkit.items.outline import Outline
from trainingkit.items.sources import SCORE_COLUMNS

__all__ = ["DEMO_SEED", "DemoCohort", "demonstration_cohort", "demonstration_renewal"]

#: The seed of the demonstration cohort.
DEMO_SEED = 20240601
#: How many made-up trainees and coaches.
DEMO_TRAINEES = 36
DEMO_COACHES = 40
#: Share of made-up coaches in each renewal status.
DEMO_RENEWAL_SHARES = {
    "not_certified": 0.05, "certified": 0.45, "renewal_due": 0.14, "ready_to_renew": 0.1,
    "lapsed": 0.1, "supervision_required": 0.05, "referred": 0.04, "suspended": 0.04, "revoked": 0.03,
}


@dataclass(frozen=True)
class DemoCohort:
    """Made-up trainees, their lesson answers (check ids per trainee) and long-form scores."""

    trainees: tuple[str, ...]
    lesson_answers: dict[str, frozenset[str]]
    scores: pd.DataFrame


def _item_parameters(outline: Outline, rng: np.random.Generator) -> pd.DataFrame:
    """Difficulty and discrimination of every item, with a few poor, easy and hard ones."""
    ids = sorted({item for items in outline.assignment_items.values() for item in items})
    difficulty = rng.normal(-0.3, 0.8, len(ids))
    discrimination = rng.uniform(1.0, 2.6, len(ids))
    picked = rng.permutation(len(ids))
    poor = max(1, len(ids) // 15)
    discrimination[picked[:poor]] = rng.uniform(-0.6, 0.1, poor)
    if len(ids) > 3:
        difficulty[picked[-1]] = -5.0
        difficulty[picked[-2]] = 2.5
    return pd.DataFrame({"difficulty": difficulty, "discrimination": discrimination}, index=ids)


def demonstration_cohort(outline: Outline, *, seed: int = DEMO_SEED, trainees: int = DEMO_TRAINEES) -> DemoCohort:
    """A made-up cohort working through ``outline``: the same seed gives the same cohort."""
    rng = np.random.default_rng(seed)
    names = tuple(f"Demo trainee {n:02d}" for n in range(1, trainees + 1))
    ability = rng.normal(0, 1, trainees)
    lessons = list(outline.lesson_checks)
    # pace: how far through the lessons each trainee is (0 .. all), a little faster when able
    pace = np.clip(np.round(rng.uniform(0.15, 1.1, trainees) * len(lessons) + ability), 0, len(lessons))
    lesson_answers: dict[str, frozenset[str]] = {}
    for name, reached in zip(names, pace.astype(int)):
        done = [check for lesson in lessons[:reached] for check in outline.lesson_checks[lesson]]
        if reached < len(lessons):
            checks = outline.lesson_checks[lessons[reached]]
            done += list(checks[: int(rng.integers(0, len(checks) + 1))])
        lesson_answers[name] = frozenset(done)
    parameters = _item_parameters(outline, rng)
    assignments = list(outline.assignment_items)
    rows = []
    for position, assignment in enumerate(assignments):
        # an assignment is taken once a trainee is far enough through the lessons
        needed = round((position + 1) * len(lessons) / (len(assignments) + 1))
        takers = [i for i in range(trainees) if pace[i] >= needed]
        for i in takers:
            reflections_graded = rng.random() < 0.8
            for item_id in outline.assignment_items[assignment]:
                item = outline.items[item_id]
                a, b = parameters.loc[item_id, ["discrimination", "difficulty"]]
                chance = 1 / (1 + np.exp(-a * (ability[i] - b)))
                if item.kind == "reflection":
                    halves = np.round(2 * item.points * (chance + rng.normal(0, 0.15)))
                    score = np.clip(halves / 2, 0, item.points) if reflections_graded else np.nan
                elif item.kind == "multiple":
                    score = item.points * rng.binomial(3, chance) / 3
                else:
                    score = item.points * float(rng.random() < chance)
                rows.append((names[i], assignment, item_id, float(score), item.points))
    scores = pd.DataFrame(rows, columns=list(SCORE_COLUMNS))
    return DemoCohort(names, lesson_answers, scores)


def demonstration_renewal(*, seed: int = DEMO_SEED, coaches: int = DEMO_COACHES) -> pd.DataFrame:
    """Made-up renewal statuses (``coach_id, status``) of ``coaches`` coaches."""
    rng = np.random.default_rng(seed + 1)
    statuses = list(DEMO_RENEWAL_SHARES)
    shares = np.array(list(DEMO_RENEWAL_SHARES.values()))
    drawn = rng.choice(len(statuses), size=coaches, p=shares / shares.sum())
    return pd.DataFrame({"coach_id": [f"Demo coach {n:02d}" for n in range(1, coaches + 1)],
                         "status": [statuses[i] for i in drawn]})
