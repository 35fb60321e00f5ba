"""The certification body's Ed25519 signing keys: private files in the office's own folder.

Each key is ``keys/key-N.pem`` (PKCS #8), made on first use, mode 0600 in a 0700 folder owned
by the office. The highest ``N`` signs; rotating makes ``N + 1`` and keeps the others, whose
public halves stay in the issuer profile so credentials they signed keep verifying. A key
file that others can read or write, a link, or a file of another owner is refused, never
used or repaired.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from trainingkit.files import write_atomically

__all__ = ["KeyFolderError", "SigningKey", "current_key", "private_folder", "read_keys", "rotate_key"]

_KEY_FILE = re.compile(r"^key-(?P<number>[1-9][0-9]{0,5})\.pem$")


class KeyFolderError(ValueError):
    """The office's folder or a key in it is not private; the message names the file."""


@dataclass(frozen=True)
class SigningKey:
    """One of the certification body's keys: ``name`` is ``key-N``, the fragment of its key id."""

    number: int
    private: Ed25519PrivateKey

    @property
    def name(self) -> str:
        return f"key-{self.number}"

    @property
    def public_bytes(self) -> bytes:
        return self.private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def private_folder(path: Path, *, create: bool) -> Path:
    """``path`` as a folder only its owner can enter (made 0700 if missing and ``create``)."""
    if not path.exists() and create:
        path.mkdir(parents=True, mode=0o700)
        os.chmod(path, 0o700)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise KeyFolderError(f"{path}: no such folder") from None
    if not stat.S_ISDIR(info.st_mode):
        raise KeyFolderError(f"{path}: not a folder (a link or a file is refused)")
    if info.st_uid != os.getuid():
        raise KeyFolderError(f"{path}: belongs to another user; the office's keys stay in a folder of its own")
    if info.st_mode & 0o077:
        raise KeyFolderError(f"{path}: others can open it (mode {stat.S_IMODE(info.st_mode):o}); "
                             f"the office's folder must be 700 (chmod 700 {path})")
    return path


def _read_key(path: Path) -> Ed25519PrivateKey:
    info = os.lstat(path)
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise KeyFolderError(f"{path}: a signing key must be a regular file of yours, mode 600; "
                             "this one is not, so it is not used")
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFolderError(f"{path}: not an Ed25519 key")
    return key


def read_keys(folder: Path) -> list[SigningKey]:
    """Every key in ``folder``, oldest first (none if the folder is missing)."""
    if not folder.exists():
        return []
    private_folder(folder, create=False)
    numbered = [(int(match["number"]), folder / match.string) for match in
                (_KEY_FILE.match(name) for name in os.listdir(folder)) if match]
    return [SigningKey(number, _read_key(path)) for number, path in sorted(numbered)]


def _new_key(folder: Path, number: int) -> SigningKey:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    write_atomically(folder / f"key-{number}.pem", pem)  # mkstemp makes it 0600
    return SigningKey(number, key)


def current_key(folder: Path) -> SigningKey:
    """The key that signs now; the first is made here on first use."""
    keys = read_keys(private_folder(folder, create=True))
    return keys[-1] if keys else _new_key(folder, 1)


def rotate_key(folder: Path) -> SigningKey:
    """Make the next key, which signs from now on; older keys are kept for verifying."""
    keys = read_keys(private_folder(folder, create=True))
    return _new_key(folder, keys[-1].number + 1 if keys else 1)
