"""The course service reads a submission as hostile data and keeps only what it rebuilt."""

from __future__ import annotations

import json

import pytest

from trainingkit.answers import MAX_ANSWERS_BYTES, parse_answers
from trainingkit.exchange.submission import (MAX_BODY_BYTES, MAX_NOTEBOOK_BYTES, SubmissionRefused,
                                             canonical_answers, check_submission)

RELEASED = ["practice-foundations.ipynb"]
NOTEBOOK = json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def _answers(**values: object) -> str:
    return json.dumps({"schema_version": 1, "answers": {
        key: {"value": value, "saved_at": "2026-12-05T10:00:00+0000"} for key, value in values.items()}})


def _body(answers: object = None, notebooks: object = None, **extra: object) -> bytes:
    return json.dumps({"answers": answers, "notebooks": {} if notebooks is None else notebooks, **extra}).encode()


def test_a_well_formed_submission_is_kept_with_its_answers_and_notebook() -> None:
    """Answers and the released notebook come through, answers sorted by question."""
    kept = check_submission(_body(_answers(**{"scope-101": "b", "dual-2": ["a", "c"]}),
                                  {"practice-foundations.ipynb": NOTEBOOK}), RELEASED)
    assert [(a.question_id, a.value) for a in kept.answers] == [("dual-2", ["a", "c"]), ("scope-101", "b")]
    assert kept.notebooks == (("practice-foundations.ipynb", NOTEBOOK.encode()),)


def test_the_kept_answers_file_is_rebuilt_and_reads_back_as_the_same_answers() -> None:
    """What grading reads is written by the course from parsed values, never the trainee's bytes."""
    raw = '{"answers": {"r-1": {"value": "I would refer.", "saved_at": "x", "extra": "<script>"}}, "junk": 1}'
    kept = check_submission(_body(raw), RELEASED)
    rebuilt = canonical_answers(kept.answers)
    assert b"<script>" not in rebuilt and b"junk" not in rebuilt
    assert parse_answers(rebuilt, "answers.json")["r-1"].value == "I would refer."


def test_no_answers_file_is_an_empty_submission() -> None:
    """A trainee who saved nothing submits nothing, and that is kept as such."""
    assert check_submission(_body(None), RELEASED).answers == ()


@pytest.mark.parametrize("body, named", [
    (b"not json", "not the JSON document"),
    (b"[1, 2]", "must be an object"),
    (_body(None, None, student="someone-else"), "must be an object"),
    (_body(42), "answers.json: expected its text"),
    (_body("{"), "answers.json: line 1"),
    (_body(_answers(**{"<img src=x>": "a"})), "is not a question id"),
    (_body(_answers(q1=["a", "../../etc"])), "question q1: not a list of option ids"),
    (_body(_answers(q1={"value": 1})), "question 'q1'"),
    (_body(None, {"../../x.ipynb": NOTEBOOK}), "is not a notebook of this assignment"),
    (_body(None, {"practice-foundations.ipynb": "<html>"}), "practice-foundations.ipynb: not a notebook"),
    (_body(None, {"practice-foundations.ipynb": 7}), "practice-foundations.ipynb: not a notebook"),
    (_body(None, []), "'notebooks' must map"),
])
def test_a_malformed_submission_is_refused_naming_what_is_wrong(body: bytes, named: str) -> None:
    """Each kind of bad submission gets a message naming the part at fault."""
    with pytest.raises(SubmissionRefused, match=None) as refused:
        check_submission(body, RELEASED)
    assert named in str(refused.value)


def test_sizes_are_refused_at_the_edge_of_each_limit() -> None:
    """An answers file one byte over its limit, a notebook over its own, and a body over the whole are refused."""
    filler = "x" * (MAX_ANSWERS_BYTES - len(_answers(r="")))
    assert check_submission(_body(_answers(r=filler)), RELEASED).answers[0].value.startswith("x")
    with pytest.raises(SubmissionRefused, match="more than the"):
        check_submission(_body(_answers(r=filler + "x")), RELEASED)
    big = json.dumps({"cells": [{"source": "x" * MAX_NOTEBOOK_BYTES}]})
    with pytest.raises(SubmissionRefused, match="at most"):
        check_submission(_body(None, {"practice-foundations.ipynb": big}), RELEASED)
    with pytest.raises(SubmissionRefused, match="more than the"):
        check_submission(b" " * (MAX_BODY_BYTES + 1), RELEASED)


def test_deep_nesting_is_refused_not_a_crash() -> None:
    """JSON nested past Python's recursion limit is a refusal, not a traceback."""
    with pytest.raises(SubmissionRefused):
        check_submission(b"[" * 100_000, RELEASED)
