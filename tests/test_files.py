"""Replacing a file whole, in one rename (trainingkit.files)."""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from trainingkit.files import write_atomically

NOBODY = pwd.getpwnam("nobody")
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another account needs root")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_file_is_private_whatever_the_umask_unless_a_mode_is_asked_for(tmp_path: Path) -> None:
    """A file is written 0600 (UTF-8 for text) under a umask of 0, even over a 0644 one, and 0644 when asked."""
    path = tmp_path / "status.csv"
    path.write_text("old")
    path.chmod(0o644)
    old = os.umask(0)
    try:
        assert write_atomically(path, "C1,Zoë\n") == path
    finally:
        os.umask(old)
    assert mode(path) == 0o600 and path.read_bytes() == "C1,Zoë\n".encode()
    write_atomically(path, b"public", mode=0o644)
    assert mode(path) == 0o644 and sorted(p.name for p in tmp_path.iterdir()) == ["status.csv"]


def test_keep_owner_gives_the_new_file_the_replaced_ones_mode(tmp_path: Path) -> None:
    """With keep_owner, a 0640 file is replaced by a new file (a new inode) that is 0640 too; a new one gets ``mode``."""
    path = tmp_path / "coaches.csv"
    path.write_text("old")
    os.chmod(path, 0o640)
    before = path.stat()
    write_atomically(path, "new", keep_owner=True)
    assert (path.read_text(), mode(path)) == ("new", 0o640) and path.stat().st_ino != before.st_ino
    assert mode(write_atomically(tmp_path / "new.csv", "x", keep_owner=True)) == 0o600


@needs_root
def test_root_replacing_another_accounts_file_leaves_it_theirs(tmp_path: Path) -> None:
    """Root replacing a file of nobody's with keep_owner leaves it nobody's, with its group and mode."""
    path = tmp_path / "coaches.csv"
    path.write_text("old")
    os.chown(path, NOBODY.pw_uid, NOBODY.pw_gid)
    os.chmod(path, 0o640)
    write_atomically(path, "new", keep_owner=True)
    after = path.stat()
    assert (after.st_uid, after.st_gid, mode(path)) == (NOBODY.pw_uid, NOBODY.pw_gid, 0o640)


@needs_root
def test_a_caller_who_may_not_give_the_file_away_keeps_its_mode_and_owns_it() -> None:
    """Nobody replacing root's 0644 file in a folder of theirs keeps the mode; the new file is nobody's."""
    folder = Path(tempfile.mkdtemp(prefix="tk-files-", dir="/var/tmp"))  # pytest's folders are root's alone
    try:
        os.chown(folder, NOBODY.pw_uid, NOBODY.pw_gid)
        path = folder / "coaches.csv"
        path.write_text("old")
        os.chmod(path, 0o644)
        child = os.fork()
        if child == 0:  # the child becomes nobody, writes, and says by its exit status whether it could
            status = 1
            try:
                os.setgroups([])
                os.setgid(NOBODY.pw_gid)
                os.setuid(NOBODY.pw_uid)
                write_atomically(path, "new", keep_owner=True)
                status = 0
            finally:
                os._exit(status)
        assert os.waitpid(child, 0)[1] == 0
        after = path.stat()
        assert (path.read_text(), after.st_uid, after.st_gid, mode(path)) == (
            "new", NOBODY.pw_uid, NOBODY.pw_gid, 0o644)
    finally:
        shutil.rmtree(folder)


@needs_root
@pytest.mark.parametrize("keep_owner", [False, True])
def test_a_link_at_the_destination_is_replaced_not_followed(tmp_path: Path, keep_owner: bool) -> None:
    """A link to nobody's file is replaced by a private file of the writer's; the file it points to is untouched."""
    target = tmp_path / "theirs.txt"
    target.write_text("theirs")
    os.chown(target, NOBODY.pw_uid, NOBODY.pw_gid)
    os.chmod(target, 0o644)
    path = tmp_path / "coaches.csv"
    path.symlink_to(target)
    write_atomically(path, "new", keep_owner=keep_owner)
    assert not path.is_symlink() and (path.read_text(), path.stat().st_uid, mode(path)) == ("new", 0, 0o600)
    assert (target.read_text(), target.stat().st_uid, mode(target)) == ("theirs", NOBODY.pw_uid, 0o644)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If the final rename fails, the previous content is intact and nothing is left behind."""
    path = tmp_path / "status.csv"
    path.write_text("old")

    def broken_replace(source: str, target: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(path, "new", keep_owner=True)
    assert path.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["status.csv"]


def test_the_file_is_synced_before_its_rename_and_the_folder_after(tmp_path: Path, fsynced: list[str]) -> None:
    """The temporary file is fsynced (still under its own name), then the folder, so the new file survives a power cut."""
    write_atomically(tmp_path / "status.csv", "new")
    assert len(fsynced) == 2 and fsynced[0].startswith(str(tmp_path / ".status.csv.")) and fsynced[0].endswith(".tmp")
    assert fsynced[1] == str(tmp_path)
