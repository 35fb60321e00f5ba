"""Replacing a file whole, in one rename (trainingkit.files)."""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from trainingkit.files import write_atomically

NOBODY = pwd.getpwnam("nobody")
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another account needs root")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_written_file_is_readable_only_by_its_owner_whatever_the_umask(tmp_path: Path) -> None:
    """A new file is 0600 under a umask of 0, holds the text as UTF-8, and no temporary file is left."""
    old = os.umask(0)
    try:
        path = write_atomically(tmp_path / "status.csv", "coach_id,name\nC1,Zoë\n")
    finally:
        os.umask(old)
    assert mode(path) == 0o600 and path.read_bytes() == "coach_id,name\nC1,Zoë\n".encode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["status.csv"]


def test_replacing_a_shared_file_gives_it_the_mode_asked_for(tmp_path: Path) -> None:
    """A world-readable file replaced without keep_owner becomes private; mode=0o644 makes it readable at once."""
    path = tmp_path / "status.csv"
    path.write_text("old")
    path.chmod(0o644)
    write_atomically(path, b"new")
    assert mode(path) == 0o600 and path.read_bytes() == b"new"
    write_atomically(path, b"public", mode=0o644)
    assert mode(path) == 0o644


def test_keep_owner_keeps_the_replaced_files_mode_on_a_new_inode(tmp_path: Path) -> None:
    """With keep_owner, a 0640 file is replaced by a new file that is 0640 too; a missing one gets ``mode``."""
    path = tmp_path / "coaches.csv"
    path.write_text("old")
    os.chmod(path, 0o640)
    before = path.stat()
    write_atomically(path, "new", keep_owner=True)
    after = path.stat()
    assert path.read_text() == "new" and after.st_ino != before.st_ino
    assert (mode(path), after.st_uid, after.st_gid) == (0o640, before.st_uid, before.st_gid)
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


@pytest.fixture
def nobodys_folder() -> Iterator[Path]:
    """A folder of nobody's, in a folder all may pass (pytest's own are root's alone); removed after."""
    folder = Path(tempfile.mkdtemp(prefix="tk-files-", dir="/var/tmp"))
    os.chown(folder, NOBODY.pw_uid, NOBODY.pw_gid)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


@needs_root
def test_a_caller_who_may_not_give_the_file_away_keeps_its_mode_and_owns_it(nobodys_folder: Path) -> None:
    """Nobody replacing root's 0644 file in their own folder keeps the mode; the new file is nobody's."""
    path = nobodys_folder / "coaches.csv"
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
    assert (path.read_text(), after.st_uid, after.st_gid, mode(path)) == ("new", NOBODY.pw_uid, NOBODY.pw_gid, 0o644)


@pytest.mark.parametrize("keep_owner", [False, True])
def test_a_link_at_the_destination_is_replaced_not_followed(tmp_path: Path, keep_owner: bool) -> None:
    """A link where the file goes is replaced by the new file; what it points to keeps its content and mode."""
    target = tmp_path / "elsewhere.txt"
    target.write_text("not yours")
    os.chmod(target, 0o644)
    path = tmp_path / "coaches.csv"
    path.symlink_to(target)
    write_atomically(path, "new", keep_owner=keep_owner)
    assert not path.is_symlink() and path.read_text() == "new" and mode(path) == 0o600
    assert target.read_text() == "not yours" and mode(target) == 0o644


@needs_root
def test_a_link_lends_the_new_file_nothing_of_its_targets_owner(tmp_path: Path) -> None:
    """Root keeping the owner of a link to nobody's file makes a file of root's own, not of nobody's."""
    target = tmp_path / "theirs.txt"
    target.write_text("theirs")
    os.chown(target, NOBODY.pw_uid, NOBODY.pw_gid)
    path = tmp_path / "coaches.csv"
    path.symlink_to(target)
    write_atomically(path, "root's", keep_owner=True)
    assert (path.stat().st_uid, target.read_text()) == (0, "theirs")


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


def test_the_file_then_its_folder_are_synced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The temporary file is fsynced before the rename and the folder after it, so the new file survives a power cut."""
    happened: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(descriptor: int) -> None:
        happened.append(("fsync", os.readlink(f"/proc/self/fd/{descriptor}")))
        real_fsync(descriptor)

    def replace(source: str, target: str) -> None:
        real_replace(source, target)
        happened.append(("replace", str(target)))

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    path = write_atomically(tmp_path / "status.csv", "new")
    assert [kind for kind, _ in happened] == ["fsync", "replace", "fsync"]
    assert happened[0][1].startswith(str(tmp_path / ".status.csv.")) and happened[0][1].endswith(".tmp")
    assert happened[1:] == [("replace", str(path)), ("fsync", str(tmp_path))]
