"""Answers on disk: atomic, private, never lost."""

import json
import multiprocessing
import stat
from pathlib import Path

import pytest

from trainingkit.answers import (MAX_ANSWERS_BYTES, MAX_REFLECTION_CHARS, AnswersFileError, read_answers,
                                 save_answer)


def test_a_saved_answer_reads_back(tmp_path: Path) -> None:
    """An answer saved to the file is read back unchanged."""
    path = tmp_path / "answers.json"
    save_answer(path, "scope-001", "b")
    save_answer(path, "scope-002", ["a", "c"])
    answers = read_answers(path)
    assert answers["scope-001"].value == "b"
    assert answers["scope-002"].value == ["a", "c"]


def test_changing_an_answer_keeps_the_others(tmp_path: Path) -> None:
    """Saving one question's answer leaves every other answer as it was."""
    path = tmp_path / "answers.json"
    save_answer(path, "q-001", "a")
    save_answer(path, "q-002", "text")
    save_answer(path, "q-001", "c")
    assert {k: v.value for k, v in read_answers(path).items()} == {"q-001": "c", "q-002": "text"}


def test_the_answers_file_is_private(tmp_path: Path) -> None:
    """The answers file is readable and writable by its owner only."""
    path = tmp_path / "answers.json"
    save_answer(path, "q-001", "a")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_no_temporary_file_is_left_behind(tmp_path: Path) -> None:
    """A save leaves only the answers file and its lock file."""
    save_answer(tmp_path / "answers.json", "q-001", "a")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".answers.json.lock", "answers.json"]


def test_an_absent_file_means_no_answers(tmp_path: Path) -> None:
    """A folder with no answers file has no answers yet."""
    assert read_answers(tmp_path / "answers.json") == {}


def test_a_corrupt_file_is_named_with_its_line(tmp_path: Path) -> None:
    """Reading a corrupt answers file names the file and the line."""
    path = tmp_path / "answers.json"
    path.write_text('{"answers": {\n  "q": }\n}')
    with pytest.raises(AnswersFileError, match=r"answers\.json: line 2"):
        read_answers(path)


def test_a_corrupt_file_is_set_aside_not_overwritten(tmp_path: Path) -> None:
    """Saving over an unreadable file keeps the unreadable file under a new name."""
    path = tmp_path / "answers.json"
    path.write_text("not json")
    save_answer(path, "q-001", "a")
    kept = list(tmp_path.glob("answers.json.unreadable-*"))
    assert len(kept) == 1 and kept[0].read_text() == "not json"
    assert read_answers(path)["q-001"].value == "a"


def test_a_wrongly_typed_value_is_reported(tmp_path: Path) -> None:
    """A hand-edited value that is neither text nor a list names the question."""
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"answers": {"scope-001": {"value": 3}}}))
    with pytest.raises(AnswersFileError, match="scope-001"):
        read_answers(path)


def _write_many(args: tuple[str, int]) -> None:
    folder, worker = args
    for n in range(25):
        save_answer(Path(folder) / "answers.json", f"w{worker}-{n:02d}", "a")


def test_concurrent_writers_lose_no_answer(tmp_path: Path) -> None:
    """Four processes saving at once keep every one of their answers."""
    with multiprocessing.get_context("fork").Pool(4) as pool:
        pool.map(_write_many, [(str(tmp_path), worker) for worker in range(4)])
    assert len(read_answers(tmp_path / "answers.json")) == 100


def test_an_answers_file_nested_deep_is_refused_with_its_name(tmp_path: Path) -> None:
    """An answers file nested 200,000 levels deep is refused with a message naming it, not a crash."""
    path = tmp_path / "answers.json"
    path.write_text('{"answers": ' + "[" * 200_000 + "]" * 200_000 + "}")
    with pytest.raises(AnswersFileError, match="answers.json: nested far deeper"):
        read_answers(path)


def test_an_answers_file_past_the_size_limit_is_refused(tmp_path: Path) -> None:
    """An answers file larger than the limit is refused, and no more than the limit is read."""
    path = tmp_path / "answers.json"
    path.write_text('{"answers": {}, "padding": "' + "x" * MAX_ANSWERS_BYTES + '"}')
    with pytest.raises(AnswersFileError, match="more than the 1,000,000"):
        read_answers(path)


def test_a_reflection_past_the_limit_is_cut_when_read(tmp_path: Path) -> None:
    """A reflection longer than the limit is read as its first MAX_REFLECTION_CHARS characters."""
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"answers": {"q-020": {"value": "y" * (MAX_REFLECTION_CHARS + 5)}}}))
    assert len(read_answers(path)["q-020"].value) == MAX_REFLECTION_CHARS


def test_an_answers_file_that_is_a_link_is_not_followed(tmp_path: Path) -> None:
    """A link named answers.json is refused, so it cannot point grading at someone else's file."""
    other = tmp_path / "other.json"
    save_answer(other, "q-001", "a")
    (tmp_path / "answers.json").symlink_to(other)
    with pytest.raises(AnswersFileError, match="a link, not a file"):
        read_answers(tmp_path / "answers.json")


def test_an_answers_file_that_is_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    """A named pipe in place of the answers file is refused at once instead of hanging the reader."""
    import os

    os.mkfifo(tmp_path / "answers.json")
    with pytest.raises(AnswersFileError, match="not a regular file"):
        read_answers(tmp_path / "answers.json")
