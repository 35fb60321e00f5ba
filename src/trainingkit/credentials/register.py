"""The office's register of every credential it issued: private, written whole or not at all.

One record per credential: its code (the short alias printed on the PDF), facts, status index,
when and by which key it was signed and, once the committee acted, when and why it was
revoked. The status list is made from the register, so the two always agree.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from trainingkit.files import write_atomically

from .model import CertifiedFacts
from .statuslist import LIST_BITS

__all__ = ["IssuedRecord", "Register", "RegisterError", "read_register", "write_register"]


class RegisterError(ValueError):
    """The register cannot be read or used; the message names the file."""


@dataclass(frozen=True)
class IssuedRecord:
    """One credential as issued. ``revoked_because`` is a committee outcome (suspended, revoked)."""

    code: str
    facts: CertifiedFacts
    status_index: int
    issued_at: str
    key: str
    revoked_on: dt.date | None = None
    revoked_because: str | None = None
    replaces: str | None = None
    in_force_from: dt.date | None = None

    @property
    def in_force(self) -> dt.date:
        """The first day a committee decision reaches it: the day passed, or the day a suspension was cleared."""
        return self.in_force_from or self.facts.passed_on

    def revoked(self, on: dt.date, because: str) -> IssuedRecord:
        return replace(self, revoked_on=on, revoked_because=because)


@dataclass(frozen=True)
class Register:
    """Every credential issued, in the order issued."""

    records: tuple[IssuedRecord, ...] = ()

    def by_code(self, code: str) -> IssuedRecord | None:
        return next((record for record in self.records if record.code == code), None)

    def with_record(self, record: IssuedRecord) -> Register:
        """The register with ``record`` added, or replacing the record of the same code."""
        kept = tuple(r for r in self.records if r.code != record.code)
        if len(kept) == len(self.records):
            return Register(self.records + (record,))
        return Register(tuple(record if r.code == record.code else r for r in self.records))

    def revoked_indices(self) -> set[int]:
        return {record.status_index for record in self.records if record.revoked_on is not None}

    def new_code(self) -> str:
        """A verification code no credential has yet."""
        alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
        while True:
            text = "".join(secrets.choice(alphabet) for _ in range(12))
            code = f"TK-{text[:4]}-{text[4:8]}-{text[8:]}"
            if self.by_code(code) is None:
                return code

    def new_index(self) -> int:
        """A random unused place in the status list (random, so the index says nothing about the coach)."""
        used = {record.status_index for record in self.records}
        if len(used) >= LIST_BITS:
            raise RegisterError("the status list is full")
        while (index := secrets.randbelow(LIST_BITS)) in used:
            pass
        return index


def _record_json(record: IssuedRecord) -> dict[str, object]:
    data = asdict(record)
    data["facts"] = {**data["facts"], "passed_on": record.facts.passed_on.isoformat(),
                     "valid_until": record.facts.valid_until.isoformat()}
    data["revoked_on"] = record.revoked_on.isoformat() if record.revoked_on else None
    data["in_force_from"] = record.in_force_from.isoformat() if record.in_force_from else None
    return data


def _record_of(data: dict) -> IssuedRecord:  # type: ignore[type-arg]
    facts = dict(data["facts"])
    facts["passed_on"] = dt.date.fromisoformat(facts["passed_on"])
    facts["valid_until"] = dt.date.fromisoformat(facts["valid_until"])
    revoked_on = dt.date.fromisoformat(data["revoked_on"]) if data.get("revoked_on") else None
    in_force_from = dt.date.fromisoformat(data["in_force_from"]) if data.get("in_force_from") else None
    return IssuedRecord(str(data["code"]), CertifiedFacts(**facts), int(data["status_index"]),
                        str(data["issued_at"]), str(data["key"]), revoked_on, data.get("revoked_because"),
                        data.get("replaces"), in_force_from)


def read_register(path: Path) -> Register:
    """The register at ``path``; none yet is an empty register."""
    if not path.exists():
        return Register()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return Register(tuple(_record_of(item) for item in document["credentials"]))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise RegisterError(f"{path}: cannot be read ({error}); nothing was changed") from None


def write_register(path: Path, register: Register) -> None:
    """Write the register privately (0600) and atomically."""
    document = {"credentials": [_record_json(record) for record in register.records]}
    write_atomically(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
