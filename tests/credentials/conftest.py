"""Fixtures for the credential tests: a set-up office in a private folder, and a credential it issued."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from trainingkit.credentials import CertifiedFacts, Issued, Issuer, OfficeFolder, issue_credential
from trainingkit.credentials.issue import publish
from trainingkit.credentials.register import read_register

ISSUER = Issuer("Trauma Coaching Certification Board", "https://certification.example.org/coaches")
NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
FACTS = CertifiedFacts("C042", "Ada Okafor", 1, dt.date(2026, 11, 29), 72.06, 72.0, dt.date(2028, 11, 29))


def set_up_office(path: Path, issuer: Issuer = ISSUER) -> OfficeFolder:
    """An office folder set up for ``issuer``, its first key made and its public files published."""
    office = OfficeFolder(path)
    office.set_up(issuer)
    publish(office, read_register(office.register_file), NOW)
    return office


def office_log(folder: Path) -> str:
    """An office's renewal log in ``folder`` certifying C042 and C7, the coaches the CLI tests issue to."""
    log = folder / "coaches.csv"
    log.write_text("coach_id,date,event,supervisor,hours,score,outcome,cut_score,form\n"
                   "C042,2024-12-01,certified,,,,,,\nC7,2024-12-01,certified,,,,,,\n", encoding="utf-8")
    return str(log)


@pytest.fixture
def office(tmp_path: Path) -> OfficeFolder:
    return set_up_office(tmp_path / "office")


@pytest.fixture
def issued(office: OfficeFolder) -> Issued:
    return issue_credential(office=office, facts=FACTS, now=NOW)
