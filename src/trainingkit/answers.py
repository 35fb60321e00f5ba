"""Trainee answers on disk: one JSON file beside the notebook, written atomically.

The file travels with ``nbgrader submit``. Every change is written to a temporary
file in the same folder and renamed over the old one, under a lock file, so a
crash or two writers never leave a half-written or stale answers file. Files are
created readable by their owner only, and the folder is synced after each rename
(:func:`trainingkit.files.write_atomically`), so a save the widget called saved survives
a power cut. Temporary files a killed writer left are removed by the next save. A save
never writes more than a reader accepts (:data:`MAX_ANSWERS_BYTES`): it refuses, naming
the longest answers, instead. This module is imported in trainees' kernels: standard
library (and :mod:`trainingkit.files`) only.

Grading reads a submitted answers file as hostile data: it must be a regular file (not a
link) of at most :data:`MAX_ANSWERS_BYTES`, shaped as this module writes it; a reflection
longer than :data:`MAX_REFLECTION_CHARS` is cut there.
"""

from __future__ import annotations

import errno
import fcntl
import itertools
import json
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Union

from trainingkit.files import sync_folder, write_atomically

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


class UnreadableAnswersFile(AnswersFileError):
    """What is in place of the answers file is not one (not JSON, not this shape, a link, a pipe).

    A save sets such a file aside; it never sets aside a file it merely could not open
    (no permission, a disk error), which may hold answers.
    """


class AnswersTooLong(ValueError):
    """A save would make the answers file larger than :data:`MAX_ANSWERS_BYTES`; nothing was written.

    The message is for the trainee: it names the longest answers and how much is too much.
    """


@dataclass(frozen=True)
class Answer:
    """What a trainee recorded for one question, and when."""

    question_id: str
    value: AnswerValue
    saved_at: str


def answers_path(folder: Path | str | None = None) -> Path:
    """The answers file of a folder (the kernel's working directory by default)."""
    return Path(folder if folder is not None else os.getcwd()) / ANSWERS_FILE


def parse_answers(data: str | bytes, path: Path, *, limit: int | None = MAX_ANSWERS_BYTES) -> dict[str, Answer]:
    """The answers in the text of an answers file; ``path`` only names it in errors.

    Text longer than :data:`MAX_REFLECTION_CHARS` is cut there (see :func:`within_limit`).
    ``limit`` is the largest file read (``None``: any size, for a trainee's own file).
    """
    if limit is not None and len(data) > limit:
        raise AnswersFileError(f"{path}: {len(data):,} bytes, more than the {limit:,} an "
                               "answers file may hold; no answer in it was read")
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as error:
        raise UnreadableAnswersFile(f"{path}: not UTF-8 text ({error})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableAnswersFile(
            f"{path}: line {error.lineno}: not valid JSON ({error.msg})") from None
    except RecursionError:
        raise UnreadableAnswersFile(f"{path}: nested far deeper than an answers file can be") from None
    if not isinstance(document, dict) or not isinstance(document.get("answers"), dict):
        raise UnreadableAnswersFile(f"{path}: expected an object with an 'answers' object")
    answers: dict[str, Answer] = {}
    for question_id, entry in document["answers"].items():
        value = entry.get("value") if isinstance(entry, dict) else None
        valid = isinstance(value, str) or (
            isinstance(value, list) and all(isinstance(v, str) for v in value))
        if not valid:
            raise UnreadableAnswersFile(
                f"{path}: question {question_id!r}: 'value' must be text or a list of option ids")
        answers[question_id] = Answer(question_id, within_limit(value), str(entry.get("saved_at", ""))[:40])
    return answers


def within_limit(value: AnswerValue) -> AnswerValue:
    """``value`` with any text cut at :data:`MAX_REFLECTION_CHARS`."""
    return value[:MAX_REFLECTION_CHARS] if isinstance(value, str) else value


def is_cut(value: AnswerValue) -> bool:
    """Whether ``value`` reached :data:`MAX_REFLECTION_CHARS`, so text past it may be missing."""
    return isinstance(value, str) and len(value) >= MAX_REFLECTION_CHARS


def read_answers(path: Path | str, *, limit: int | None = MAX_ANSWERS_BYTES) -> dict[str, Answer]:
    """Every recorded answer in an answers file; an absent file means no answers yet.

    The file is opened without following a link and must be a regular file; no more than
    ``limit`` (and one byte, to tell a longer file) is ever read. A save reads the trainee's
    own file with no limit, so a file written before the limit existed is never set aside.
    """
    path = Path(path)
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return {}
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UnreadableAnswersFile(f"{path}: cannot be read (a link, not a file)") from None
        raise AnswersFileError(f"{path}: cannot be read ({error.strerror})") from None
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise UnreadableAnswersFile(f"{path}: cannot be read (not a regular file)")
        data = handle.read() if limit is None else handle.read(limit + 1)
    return parse_answers(data, path, limit=limit)


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path``'s hidden lock file beside it (every writer of ``path`` takes it)."""
    lock_path = path.with_name(f".{path.name}.lock")  # hidden: no clutter in the file browser
    descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)


def _set_aside_unreadable(path: Path) -> Path:
    """Keep an unreadable answers file under a name no other file has, instead of overwriting it.

    The name is the time to the second, then ``-2``, ``-3``... if that is taken; the file is
    linked under it (which fails rather than replace a file) before its old name goes.
    """
    stamp = time.strftime("%Y%m%dT%H%M%S")
    for number in itertools.count(1):
        kept = path.with_name(f"{path.name}.unreadable-{stamp}" + (f"-{number}" if number > 1 else ""))
        try:
            os.link(path, kept, follow_symlinks=False)
        except FileExistsError:
            continue
        os.unlink(path)
        sync_folder(path.parent)
        return kept
    raise AssertionError("unreachable")


def _remove_stale_temporaries(path: Path) -> None:
    """Remove the temporary files of saves that were killed before their rename.

    Called with the lock held: every save writes its temporary file under the lock, so any
    such file there now belongs to a writer that is gone.
    """
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        stale.unlink(missing_ok=True)


def _encoded(document: dict[str, object]) -> bytes:
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def too_long_message(answers: dict[str, Answer], size: int, question_id: str) -> str:
    """What a trainee is told when saving ``question_id`` would make a file of ``size`` bytes."""
    def length(answer: Answer) -> int:
        return len(json.dumps(answer.value, ensure_ascii=False).encode("utf-8"))

    longest = sorted(answers.values(), key=lambda answer: (-length(answer), answer.question_id))[:3]
    named = ", ".join(f"{answer.question_id} ({len(answer.value):,} characters)"
                      if isinstance(answer.value, str) else answer.question_id for answer in longest)
    return (f"This answer ({question_id}) was not saved: your answers together would take "
            f"{size:,} bytes, more than the {MAX_ANSWERS_BYTES:,} an answers file can hold. "
            f"Your longest answers are {named}. Shorten one of them by at least "
            f"{size - MAX_ANSWERS_BYTES:,} characters and this answer will be saved; "
            "your other answers are kept as they were.")


def save_answer(path: Path | str, question_id: str, value: AnswerValue) -> Answer:
    """Record one answer, keeping every other answer in the file.

    An existing file that is not an answers file is set aside under a new name (never
    overwritten), so nothing a trainee saved is lost; a file that cannot be opened is an
    error, and is left alone. Text is kept up to :data:`MAX_REFLECTION_CHARS`. Raises
    :class:`AnswersTooLong`, writing nothing, if the file would pass :data:`MAX_ANSWERS_BYTES`
    (a file already past it, written before the limit, may only shrink: see
    :func:`bytes_over_limit`).
    """
    path = Path(path)
    answer = Answer(question_id, within_limit(value), time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    with locked(path):
        _remove_stale_temporaries(path)
        try:
            answers = read_answers(path, limit=None)
            before = _size(path)
        except UnreadableAnswersFile:
            _set_aside_unreadable(path)
            answers, before = {}, 0
        answers[question_id] = answer
        data = _encoded({
            "schema_version": SCHEMA_VERSION,
            "answers": {
                key: {"value": item.value, "saved_at": item.saved_at}
                for key, item in sorted(answers.items())
            },
        })
        if len(data) > MAX_ANSWERS_BYTES and len(data) >= before:
            raise AnswersTooLong(too_long_message(answers, len(data), question_id))
        write_atomically(path, data)
    return answer


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def bytes_over_limit(path: Path | str) -> int:
    """How far an answers file is past :data:`MAX_ANSWERS_BYTES` (0 within it, or absent)."""
    return max(0, _size(Path(path)) - MAX_ANSWERS_BYTES)
