"""A trainee's own process reads what it submits, and refuses anything but a small regular file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from trainingkit.exchange.client import read_own_file


def test_a_regular_file_is_read_and_a_missing_one_is_none(tmp_path: Path) -> None:
    """The bytes of a regular file come back whole; a file that is not there is None, not an error."""
    (tmp_path / "answers.json").write_bytes(b"{}")
    assert read_own_file(tmp_path / "answers.json", 10) == b"{}"
    assert read_own_file(tmp_path / "absent.json", 10) is None


@pytest.mark.parametrize("plant", ["fifo", "device", "folder"])
def test_a_pipe_a_device_or_a_folder_is_refused_without_reading(tmp_path: Path, plant: str) -> None:
    """A named pipe (which would block), /dev/zero (which never ends) or a folder is refused by name."""
    path = tmp_path / "answers.json"
    if plant == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero" if plant == "device" else "/usr")
    with pytest.raises(OSError, match="answers.json: not a regular file"):
        read_own_file(path, 10)


def test_a_file_past_the_limit_is_refused_at_one_byte_over(tmp_path: Path) -> None:
    """Exactly the limit is read; one byte more is refused, naming the file and the limit."""
    path = tmp_path / "answers.json"
    path.write_bytes(b"x" * 10)
    assert read_own_file(path, 10) == b"x" * 10
    path.write_bytes(b"x" * 11)
    with pytest.raises(OSError, match="answers.json: larger than the 10 bytes"):
        read_own_file(path, 10)
