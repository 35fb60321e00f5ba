"""Trainee answers on disk: one JSON file beside the notebook, written atomically.

The file travels with ``nbgrader submit``. Every change is written to a temporary
file in the same folder and renamed over the old one, under a lock file, so a
crash or two writers never leave a half-written or stale answers file. Files are
created readable by their owner only. This module is imported in trainees'
kernels: standard library only.

Grading reads a submitted answers file as hostile data: it must be a regular file (not a
link) of at most :data:`MAX_ANSWERS_BYTES`, shaped as this module writes it; a reflection
longer than :data:`MAX_REFLECTION_CHARS` is cut there.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Union

ANSWERS_FILE = "answers.json"
SCHEMA_VERSION = 1
#: The largest answers file read: about fifty reflections at their longest.
MAX_ANSWERS_BYTES = 1_000_000
#: The longest reflection kept (about 3,000 words); longer text is cut here.
MAX_REFLECTION_CHARS = 20_000

#: A single choice is an option id, a multiple select a list of ids, a reflection text.
AnswerValue = Union[str, list[str]]


class AnswersFileError(ValueError):
    """The answers file exists but cannot be read; the message names file and problem."""


@dataclass(frozen=True)
class Answer:
    """What a trainee recorded for one question, and when."""

    question_id: str
    value: AnswerValue
    saved_at: str


def answers_path(folder: Path | str | None = None) -> Path:
    """The answers file of a folder (the kernel's working directory by default)."""
    return Path(folder if folder is not None else os.getcwd()) / ANSWERS_FILE


def parse_answers(data: str | bytes, path: Path) -> dict[str, Answer]:
    """The answers in the text of an answers file; ``path`` only names it in errors.

    Text longer than :data:`MAX_REFLECTION_CHARS` is cut there (see :func:`within_limit`).
    """
    if len(data) > MAX_ANSWERS_BYTES:
        raise AnswersFileError(f"{path}: {len(data):,} bytes, more than the {MAX_ANSWERS_BYTES:,} an "
                               "answers file may hold; no answer in it was read")
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as error:
        raise AnswersFileError(f"{path}: not UTF-8 text ({error})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise AnswersFileError(
            f"{path}: line {error.lineno}: not valid JSON ({error.msg})") from None
    except RecursionError:
        raise AnswersFileError(f"{path}: nested far deeper than an answers file can be") from None
    if not isinstance(document, dict) or not isinstance(document.get("answers"), dict):
        raise AnswersFileError(f"{path}: expected an object with an 'answers' object")
    answers: dict[str, Answer] = {}
    for question_id, entry in document["answers"].items():
        value = entry.get("value") if isinstance(entry, dict) else None
        valid = isinstance(value, str) or (
            isinstance(value, list) and all(isinstance(v, str) for v in value))
        if not valid:
            raise AnswersFileError(
                f"{path}: question {question_id!r}: 'value' must be text or a list of option ids")
        answers[question_id] = Answer(question_id, within_limit(value), str(entry.get("saved_at", ""))[:40])
    return answers


def within_limit(value: AnswerValue) -> AnswerValue:
    """``value`` with any text cut at :data:`MAX_REFLECTION_CHARS`."""
    return value[:MAX_REFLECTION_CHARS] if isinstance(value, str) else value


def is_cut(value: AnswerValue) -> bool:
    """Whether ``value`` reached :data:`MAX_REFLECTION_CHARS`, so text past it may be missing."""
    return isinstance(value, str) and len(value) >= MAX_REFLECTION_CHARS


def read_answers(path: Path | str) -> dict[str, Answer]:
    """Every recorded answer in an answers file; an absent file means no answers yet.

    The file is opened without following a link and must be a regular file; no more than
    :data:`MAX_ANSWERS_BYTES` (and one byte, to tell a longer file) is ever read.
    """
    path = Path(path)
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return {}
    except OSError as error:
        reason = "a link, not a file" if error.errno == errno.ELOOP else error.strerror
        raise AnswersFileError(f"{path}: cannot be read ({reason})") from None
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise AnswersFileError(f"{path}: cannot be read (not a regular file)")
        data = handle.read(MAX_ANSWERS_BYTES + 1)
    return parse_answers(data, path)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    lock_path = path.with_name(f".{path.name}.lock")  # hidden: no clutter in the file browser
    descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)


def write_atomically(path: Path, content: str | bytes) -> None:
    """Replace ``path`` with ``content`` in one rename; the file is private (0600).

    The content goes to a temporary file (mkstemp creates it 0600) in the same folder,
    is flushed to disk, then replaces ``path``: a reader sees the old file or the whole
    new one, never half of it. Text is written as UTF-8.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _set_aside_unreadable(path: Path) -> Path:
    """Keep an unreadable answers file under a new name instead of overwriting it."""
    kept = path.with_name(f"{path.name}.unreadable-{time.strftime('%Y%m%dT%H%M%S')}")
    os.replace(path, kept)
    return kept


def save_answer(path: Path | str, question_id: str, value: AnswerValue) -> Answer:
    """Record one answer, keeping every other answer in the file.

    An existing file that cannot be read is set aside under a new name (never
    overwritten), so nothing a trainee saved is lost. Text is kept up to
    :data:`MAX_REFLECTION_CHARS`.
    """
    path = Path(path)
    answer = Answer(question_id, within_limit(value), time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    with _locked(path):
        try:
            answers = read_answers(path)
        except AnswersFileError:
            _set_aside_unreadable(path)
            answers = {}
        answers[question_id] = answer
        document = {
            "schema_version": SCHEMA_VERSION,
            "answers": {
                key: {"value": item.value, "saved_at": item.saved_at}
                for key, item in sorted(answers.items())
            },
        }
        write_atomically(path, json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    return answer
