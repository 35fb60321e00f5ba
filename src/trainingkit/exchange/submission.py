"""A submission as the course service takes it: data, checked at the door. Pure.

The trainee's own process reads their answers file and notebook (as that trainee, so a
link to anything they cannot read fails there) and sends them as one JSON document::

    {"answers": "<the text of answers.json>" | null,
     "notebooks": {"<released notebook name>.ipynb": "<its text>", ...}}

:func:`check_submission` reads that document as hostile data. It is refused, with a
message naming the part at fault, unless it is small (:data:`MAX_BODY_BYTES` in all), its
answers file is shaped as the widgets write it (:func:`trainingkit.answers.parse_answers`,
within :data:`MAX_ANSWERS` answers of sane ids), and each notebook is one of the
assignment's released notebooks and parses as a notebook. What the course keeps is
rebuilt from the parsed answers (:func:`canonical_answers`): no byte the trainee chose
reaches grading except the answers' values. The notebooks are kept for the record only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import PurePath

from trainingkit.answers import MAX_ANSWERS_BYTES, SCHEMA_VERSION, Answer, AnswersFileError, parse_answers

#: The largest request the service reads (its body): an answers file and a notebook at their largest.
MAX_BODY_BYTES = 4_000_000
#: The largest notebook kept for the record.
MAX_NOTEBOOK_BYTES = 2_000_000
#: More answers than any assignment has questions.
MAX_ANSWERS = 500
#: The most option ids one multiple-select answer can hold.
MAX_CHOICES = 50
QUESTION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
OPTION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


class SubmissionRefused(ValueError):
    """A submission the service will not keep; the message tells the trainee why."""


@dataclass(frozen=True)
class Submission:
    """What a trainee submitted, as the course keeps it."""

    answers: tuple[Answer, ...]
    #: Released notebook name -> its text, for the record (never graded).
    notebooks: tuple[tuple[str, bytes], ...]


def check_submission(body: bytes, released_notebooks: Collection[str]) -> Submission:
    """The submission in a request ``body``, or :class:`SubmissionRefused` saying what is wrong."""
    if len(body) > MAX_BODY_BYTES:
        raise SubmissionRefused(f"the submission is {len(body):,} bytes, more than the {MAX_BODY_BYTES:,} "
                                "the course takes")
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        raise SubmissionRefused("the submission is not the JSON document the course expects") from None
    if not isinstance(document, dict) or set(document) - {"answers", "notebooks"}:
        raise SubmissionRefused("the submission must be an object with 'answers' and 'notebooks' only")
    notebooks = document.get("notebooks")
    return Submission(_answers(document.get("answers")),
                      _notebooks({} if notebooks is None else notebooks, released_notebooks))


def _answers(text: object) -> tuple[Answer, ...]:
    if text is None:
        return ()
    if not isinstance(text, str):
        raise SubmissionRefused("answers.json: expected its text")
    if len(text.encode("utf-8", "surrogatepass")) > MAX_ANSWERS_BYTES:
        raise SubmissionRefused(f"answers.json: more than the {MAX_ANSWERS_BYTES:,} bytes an answers file may "
                                "hold; shorten the longest reflection and submit again")
    try:
        answers = parse_answers(text, PurePath("answers.json"))  # type: ignore[arg-type]
    except AnswersFileError as error:
        raise SubmissionRefused(str(error)) from None
    if len(answers) > MAX_ANSWERS:
        raise SubmissionRefused(f"answers.json: {len(answers)} answers, more than any assignment has questions")
    for question_id, answer in answers.items():
        if not QUESTION_ID.match(question_id):
            raise SubmissionRefused(f"answers.json: {question_id[:40]!r} is not a question id")
        if isinstance(answer.value, list) and (len(answer.value) > MAX_CHOICES or not all(
                OPTION_ID.match(option) for option in answer.value)):
            raise SubmissionRefused(f"answers.json: question {question_id}: not a list of option ids")
    return tuple(answers[key] for key in sorted(answers))


def _notebooks(notebooks: object, released: Collection[str]) -> tuple[tuple[str, bytes], ...]:
    if not isinstance(notebooks, dict):
        raise SubmissionRefused("'notebooks' must map notebook names to their text")
    kept = []
    for name, text in sorted(notebooks.items()):
        if name not in released:
            raise SubmissionRefused(f"{str(name)[:80]!r} is not a notebook of this assignment "
                                    f"(its notebooks: {', '.join(sorted(released)) or 'none'})")
        data = text.encode("utf-8", "replace") if isinstance(text, str) else b""
        if not isinstance(text, str) or len(data) > MAX_NOTEBOOK_BYTES:
            raise SubmissionRefused(f"{name}: not a notebook of at most {MAX_NOTEBOOK_BYTES:,} bytes")
        try:
            notebook = json.loads(data)
        except (ValueError, RecursionError):
            notebook = None
        if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
            raise SubmissionRefused(f"{name}: not a notebook (it does not parse as one)")
        kept.append((name, data))
    return tuple(kept)


def canonical_answers(answers: tuple[Answer, ...] | Mapping[str, Answer]) -> bytes:
    """The answers file the course keeps: rebuilt from parsed answers, as the widgets write it."""
    items = answers.values() if isinstance(answers, Mapping) else answers
    document = {"schema_version": SCHEMA_VERSION,
                "answers": {a.question_id: {"value": a.value, "saved_at": a.saved_at}
                            for a in sorted(items, key=lambda a: a.question_id)}}
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
