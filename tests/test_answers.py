"""Answers on disk: atomic, private, never lost."""

import json
import multiprocessing
import os
import signal
import stat
import time
from pathlib import Path

import pytest

from trainingkit import answers as answers_module
from trainingkit.answers import (MAX_ANSWERS_BYTES, MAX_REFLECTION_CHARS, AnswersFileError, AnswersTooLong,
                                 bytes_over_limit, read_answers, save_answer)


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


def test_two_unreadable_files_set_aside_within_one_second_are_both_kept(tmp_path: Path, monkeypatch) -> None:
    """Two unreadable files set aside in the same second get different names, so neither replaces the other."""
    path = tmp_path / "answers.json"
    one_second = time.strftime  # the clock stands still: every save happens in the same second
    monkeypatch.setattr(answers_module.time, "strftime", lambda form, *when: one_second(form, time.gmtime(0)))
    for text in ("not json, first", "not json, second", "not json, third"):
        path.write_text(text)
        save_answer(path, "q-001", "a")
    kept = sorted(tmp_path.glob("answers.json.unreadable-*"))
    assert sorted(p.read_text() for p in kept) == ["not json, first", "not json, second", "not json, third"]
    assert len({p.name for p in kept}) == 3


def _fill_near_the_limit(path: Path, reflections: int = 49) -> None:
    for number in range(reflections):
        save_answer(path, f"q-{number:03d}", "x" * MAX_REFLECTION_CHARS)


def test_a_save_filling_the_file_to_the_limit_is_written_and_one_byte_more_is_refused(tmp_path: Path) -> None:
    """A save making the file exactly MAX_ANSWERS_BYTES is kept and readable; one byte more is refused, naming the answer."""
    path = tmp_path / "answers.json"
    _fill_near_the_limit(path)
    save_answer(path, "q-last", "")
    room = MAX_ANSWERS_BYTES - path.stat().st_size
    assert 0 < room <= MAX_REFLECTION_CHARS
    save_answer(path, "q-last", "y" * room)
    assert path.stat().st_size == MAX_ANSWERS_BYTES
    assert read_answers(path)["q-last"].value == "y" * room  # what grading reads, with its own limit
    before = path.read_bytes()
    with pytest.raises(AnswersTooLong, match=r"q-last.*1,000,001 bytes.*by at least 1 characters"):
        save_answer(path, "q-last", "y" * (room + 1))
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("answers.json.unreadable-*"))


def test_a_readable_file_past_the_size_limit_is_never_set_aside_and_may_only_shrink(tmp_path: Path) -> None:
    """A well-formed file larger than the limit (written before it) is kept whole: a save may shrink it, never grow it."""
    path = tmp_path / "answers.json"
    big = {f"q-{n:03d}": {"value": "z" * MAX_REFLECTION_CHARS, "saved_at": ""} for n in range(60)}
    path.write_text(json.dumps({"schema_version": 1, "answers": big}))
    with pytest.raises(AnswersTooLong):
        save_answer(path, "q-new", "a")
    for number in range(15):
        save_answer(path, f"q-{number:03d}", "shortened")
    assert bytes_over_limit(path) == 0
    save_answer(path, "q-new", "a")
    assert len(read_answers(path)) == 61
    assert not list(tmp_path.glob("answers.json.unreadable-*"))


def _save_and_die_in_fsync(path: Path) -> None:
    def die(descriptor: int) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    os.fsync = die  # this child only: it is killed with its temporary file written, before the rename
    save_answer(path, "q-002", "b")


def test_a_killed_saves_temporary_file_is_removed_by_the_next_save(tmp_path: Path) -> None:
    """A save killed before its rename leaves a temporary file, which the next save removes; no answer is lost."""
    path = tmp_path / "answers.json"
    save_answer(path, "q-001", "a")
    child = multiprocessing.get_context("fork").Process(target=_save_and_die_in_fsync, args=(path,))
    child.start()
    child.join()
    assert child.exitcode == -signal.SIGKILL
    assert len(list(tmp_path.glob(".answers.json.*.tmp"))) == 1
    save_answer(path, "q-003", "c")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".answers.json.lock", "answers.json"]
    assert {k: v.value for k, v in read_answers(path).items()} == {"q-001": "a", "q-003": "c"}
