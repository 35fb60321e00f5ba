"""Where the certification body's files live: its private folder, and what it publishes.

The office folder (``--office``, else ``TRAININGKIT_OFFICE``, else ``~/.trainingkit/office``)
is private (0700) and outside any course: ``issuer.json`` (the issuer's settings), ``keys/``,
``register.json`` (every credential issued) and ``published/``, the folder the office copies
to its web site: ``issuer.json`` (the issuer profile with its public keys),
``status-list.json`` (the signed revocation list) and ``credentials/CODE.json``. Verifying
needs only a copy of the published folder.

The published folder may live elsewhere (``certificate setup --publish-dir DIR``, recorded in
``issuer.json``): on the hub it is ``PREFIX/published``, which everyone on the machine reads and
only the office's group writes. Files written there are 0644; folders made there are 2775 when
their parent is setgid (a group's shared folder), else 0755.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from trainingkit.files import write_atomically

from .keys import KeyFolderError, private_folder

__all__ = ["CODE", "Issuer", "OfficeFolder", "OfficeError", "PublishedFolder", "write_public"]

#: A verification code: ``TK-`` and three groups of four characters (Crockford's base32).
CODE = re.compile(r"^TK-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
OFFICE_ENV = "TRAININGKIT_OFFICE"
_BASE_URL = re.compile(r"^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$")


class OfficeError(ValueError):
    """The office folder cannot be used as asked; the message names the file and what to do."""


@dataclass(frozen=True)
class Issuer:
    """The certification body as credentials name it: its name and the https folder it publishes in."""

    name: str
    base_url: str

    def __post_init__(self) -> None:
        if not _BASE_URL.match(self.base_url) or self.base_url.endswith("/"):
            raise OfficeError(f"{self.base_url!r}: the published folder's address must be an https URL "
                              "without a trailing slash, e.g. https://certification.example.org/coaches")
        if not self.name.strip():
            raise OfficeError("the certification body needs a name")

    @property
    def id(self) -> str:
        """The issuer profile's URL, which is the issuer's id."""
        return f"{self.base_url}/issuer.json"

    @property
    def status_list_id(self) -> str:
        return f"{self.base_url}/status-list.json"

    def credential_id(self, code: str) -> str:
        return f"{self.base_url}/credentials/{code}.json"

    def key_id(self, name: str) -> str:
        return f"{self.id}#{name}"


def write_public(path: Path, document: object) -> Path:
    """Write JSON that anyone may read (0644), atomically."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True)
        shared = os.stat(path.parent.parent).st_mode & stat.S_ISGID  # a group's folder: the group may add too
        os.chmod(path.parent, 0o2775 if shared else 0o755)
    write_atomically(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n", mode=0o644)  # readable at once
    return path


@dataclass(frozen=True)
class PublishedFolder:
    """The public files: issuer profile, status list, credentials by code."""

    path: Path

    @property
    def issuer_profile(self) -> Path:
        return self.path / "issuer.json"

    @property
    def status_list(self) -> Path:
        return self.path / "status-list.json"

    def credential(self, code: str) -> Path:
        if not CODE.match(code):
            raise OfficeError(f"{code!r} is not a verification code (TK-XXXX-XXXX-XXXX)")
        return self.path / "credentials" / f"{code}.json"


@dataclass(frozen=True)
class OfficeFolder:
    """The certification body's private folder (see the module's description)."""

    path: Path

    @classmethod
    def locate(cls, explicit: Path | None = None) -> OfficeFolder:
        """``explicit``, else ``$TRAININGKIT_OFFICE``, else ``~/.trainingkit/office``."""
        if explicit is not None:
            return cls(Path(explicit).absolute())
        if os.environ.get(OFFICE_ENV):
            return cls(Path(os.environ[OFFICE_ENV]).absolute())
        return cls(Path.home() / ".trainingkit" / "office")

    @property
    def settings_file(self) -> Path:
        return self.path / "issuer.json"

    @property
    def keys_dir(self) -> Path:
        return self.path / "keys"

    @property
    def register_file(self) -> Path:
        return self.path / "register.json"

    @property
    def lock_file(self) -> Path:
        return self.path / "register.lock"

    @property
    def published(self) -> PublishedFolder:
        """``published/`` in this folder, or the folder recorded at setup (``--publish-dir``)."""
        return PublishedFolder(self._published_dir() or self.path / "published")

    def _published_dir(self) -> Path | None:
        try:
            named = json.loads(self.settings_file.read_text(encoding="utf-8")).get("published")
        except (OSError, ValueError, AttributeError):
            return None
        return Path(named) if isinstance(named, str) and named else None

    def check_outside(self, course_root: Path | None) -> None:
        """Refuse an office folder inside the course, where trainees' files are."""
        if course_root is not None and self.path.resolve().is_relative_to(course_root.resolve()):
            raise OfficeError(f"{self.path}: the office folder is inside the course ({course_root}); "
                              "keep it outside (--office or TRAININGKIT_OFFICE)")

    def set_up(self, issuer: Issuer, published: Path | None = None) -> None:
        """Make the private folder and record the issuer's name and address (once), and where the
        published folder is when not ``published/`` here (``published``: kept if not given again)."""
        try:
            private_folder(self.path, create=True)
        except KeyFolderError as error:
            raise OfficeError(str(error)) from None
        if self.settings_file.exists() and self.issuer() != issuer:
            raise OfficeError(f"{self.settings_file}: already set up for {self.issuer().base_url}; "
                              "credentials issued there would stop verifying if it changed")
        settings: dict[str, str] = {"name": issuer.name, "base_url": issuer.base_url}
        published = Path(published).absolute() if published is not None else self._published_dir()
        if self.settings_file.exists() and (published or self.path / "published") != self.published.path:
            raise OfficeError(f"{self.settings_file}: already publishes in {self.published.path}; "
                              "the credentials there would be left behind if it changed")
        if published is not None:
            if published.resolve().is_relative_to(self.keys_dir.resolve()):
                raise OfficeError(f"{published}: the published folder cannot be inside the keys' folder")
            settings["published"] = str(published)
        write_atomically(self.settings_file, json.dumps(settings, indent=2) + "\n")

    def issuer(self) -> Issuer:
        """The issuer this office signs as."""
        try:
            private_folder(self.path, create=False)
            settings = json.loads(self.settings_file.read_text(encoding="utf-8"))
            return Issuer(str(settings["name"]), str(settings["base_url"]))
        except KeyFolderError as error:
            raise OfficeError(f"{error} (set the office up with `trainingkit certificate setup`)") from None
        except FileNotFoundError:
            raise OfficeError(f"{self.settings_file}: the office is not set up; run `trainingkit certificate "
                              "setup --name NAME --url https://...`") from None
        except (ValueError, KeyError, TypeError) as error:
            raise OfficeError(f"{self.settings_file}: cannot be read ({error})") from None
