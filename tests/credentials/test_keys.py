"""Signing keys: made private on first use, never used when others can reach them, kept on rotation."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from trainingkit.credentials.keys import KeyFolderError, current_key, read_keys, rotate_key
from trainingkit.credentials.office import OfficeError, OfficeFolder

from .conftest import ISSUER


def test_the_first_key_is_made_private_once(tmp_path: Path) -> None:
    """The first key is made 0600 in a 0700 folder, and the same key is used afterwards."""
    first = current_key(tmp_path / "keys")
    assert current_key(tmp_path / "keys").public_bytes == first.public_bytes
    assert stat.S_IMODE((tmp_path / "keys" / "key-1.pem").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700


def test_a_key_others_can_read_is_refused(tmp_path: Path) -> None:
    """A key file readable by others is refused, not used and not repaired."""
    current_key(tmp_path / "keys")
    os.chmod(tmp_path / "keys" / "key-1.pem", 0o644)
    with pytest.raises(KeyFolderError, match="mode 600"):
        read_keys(tmp_path / "keys")
    assert stat.S_IMODE((tmp_path / "keys" / "key-1.pem").stat().st_mode) == 0o644


def test_a_folder_others_can_open_is_refused(tmp_path: Path) -> None:
    """An office folder others can enter or write (one a trainee prepared) is refused."""
    (tmp_path / "keys").mkdir(mode=0o777)
    os.chmod(tmp_path / "keys", 0o777)
    with pytest.raises(KeyFolderError, match="chmod 700"):
        current_key(tmp_path / "keys")
    assert not list((tmp_path / "keys").iterdir())


def test_a_linked_key_is_refused(tmp_path: Path) -> None:
    """A key file that is a link (to a key someone else chose) is refused."""
    current_key(tmp_path / "mine")
    (tmp_path / "keys").mkdir(mode=0o700)
    (tmp_path / "keys" / "key-1.pem").symlink_to(tmp_path / "mine" / "key-1.pem")
    with pytest.raises(KeyFolderError, match="regular file"):
        read_keys(tmp_path / "keys")


def test_rotation_keeps_the_old_keys(tmp_path: Path) -> None:
    """Rotating makes key-2, which signs from then on; key-1 is kept."""
    first = current_key(tmp_path / "keys")
    second = rotate_key(tmp_path / "keys")
    assert [key.name for key in read_keys(tmp_path / "keys")] == ["key-1", "key-2"]
    assert current_key(tmp_path / "keys").public_bytes == second.public_bytes != first.public_bytes


def test_an_office_inside_the_course_is_refused(tmp_path: Path) -> None:
    """The office folder cannot be inside the course, where trainees' files are."""
    office = OfficeFolder(tmp_path / "course" / "coursework" / "office")
    with pytest.raises(OfficeError, match="inside the course"):
        office.check_outside(tmp_path / "course")
    OfficeFolder(tmp_path / "office").check_outside(tmp_path / "course")


def test_an_office_not_set_up_says_how(tmp_path: Path) -> None:
    """Issuing from an office that was never set up names the command that sets it up."""
    with pytest.raises(OfficeError, match="certificate setup"):
        OfficeFolder(tmp_path / "office").issuer()
    OfficeFolder(tmp_path / "office").set_up(ISSUER)
    with pytest.raises(OfficeError, match="already set up"):
        OfficeFolder(tmp_path / "office").set_up(type(ISSUER)("Other", "https://other.example.org"))
