"""Simulated trainees: submissions laid out exactly as ``nbgrader submit`` and collect leave them.

Used by the supervisor's dry run, the benchmarks and the pipeline tests.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from trainingkit.answers import AnswerValue, save_answer
from trainingkit.bank.model import Kind, Vignette

PATTERNS = ("key", "wrong", "blank", "random")


def answers_for(pattern: str, vignettes: Sequence[Vignette], rng: random.Random) -> dict[str, AnswerValue]:
    """What a trainee following ``pattern`` answers: the key, wrong answers, nothing, or at random."""
    if pattern not in PATTERNS:
        raise ValueError(f"unknown pattern {pattern!r}: expected one of {', '.join(PATTERNS)}")
    answers: dict[str, AnswerValue] = {}
    for vignette in vignettes:
        if pattern == "blank":
            continue
        if vignette.kind is Kind.REFLECTION:
            answers[vignette.id] = f"A simulated {pattern} reflection on {vignette.title}."
            continue
        ids = [option.id for option in vignette.options]
        wrong = [option for option in ids if option not in vignette.key]
        if pattern == "key":
            chosen = sorted(vignette.key)
        elif pattern == "wrong":
            chosen = wrong[:1] if vignette.kind is Kind.SINGLE else wrong
        else:
            chosen = ([rng.choice(ids)] if vignette.kind is Kind.SINGLE
                      else sorted(rng.sample(ids, rng.randint(1, len(ids)))))
        answers[vignette.id] = chosen[0] if vignette.kind is Kind.SINGLE else chosen
    return answers


def write_submission(coursework: Path, *, student: str, assignment_id: str, release_dir: Path,
                     answers: dict[str, AnswerValue], timestamp: datetime | None = None) -> Path:
    """Put a trainee's released notebook and answers where nbgrader's collect puts submissions."""
    folder = coursework / "submitted" / student / assignment_id
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(release_dir, folder)
    for question_id, value in answers.items():
        save_answer(folder / "answers.json", question_id, value)
    stamp = (timestamp or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M:%S.%f %Z")
    (folder / "timestamp.txt").write_text(stamp)
    return folder
