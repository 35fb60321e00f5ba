"""The coverage map: every clause of the reference texts, and the lessons and vignettes for it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from trainingkit.bank.model import CODE_SECTIONS, Vignette
from trainingkit.lessons import Lesson


class CoverageError(ValueError):
    """The clause catalogue is malformed, or a lesson or vignette cites an unknown clause."""


@dataclass(frozen=True)
class Clause:
    id: str
    section: str
    summary: str


@dataclass(frozen=True)
class ClauseCoverage:
    clause: Clause
    lessons: tuple[str, ...]
    vignettes: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return bool(self.lessons and self.vignettes)


def load_clauses(path: Path | str) -> list[Clause]:
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise CoverageError(f"{path}: cannot be read: {error}") from None
    clauses = []
    for number, raw in enumerate((document or {}).get("clauses") or [], start=1):
        if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) for k in ("id", "section", "summary")):
            raise CoverageError(f"{path}: clause {number}: needs id, section and summary")
        if raw["section"] not in CODE_SECTIONS:
            raise CoverageError(f"{path}: clause {raw['id']!r}: unknown section {raw['section']!r}")
        clauses.append(Clause(raw["id"], raw["section"], raw["summary"]))
    ids = [clause.id for clause in clauses]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates or not clauses:
        raise CoverageError(f"{path}: {'duplicate clause ids ' + ', '.join(duplicates) if duplicates else 'no clauses'}")
    return clauses


def coverage_map(clauses: Iterable[Clause], lessons: Iterable[Lesson],
                 bank: Mapping[str, Vignette]) -> list[ClauseCoverage]:
    """Which lessons teach and which vignettes assess each clause; unknown citations are errors."""
    clauses = list(clauses)
    known = {clause.id for clause in clauses}
    lessons = list(lessons)
    for lesson in lessons:
        for clause_id in sorted(set(lesson.clauses) - known):
            raise CoverageError(f"lesson {lesson.id}: cites unknown clause {clause_id!r}")
    for vignette in bank.values():
        for clause_id in sorted(set(vignette.clauses) - known):
            raise CoverageError(f"vignette {vignette.id}: cites unknown clause {clause_id!r}")
    return [ClauseCoverage(
        clause,
        tuple(lesson.id for lesson in lessons if clause.id in lesson.clauses),
        tuple(sorted(v.id for v in bank.values() if clause.id in v.clauses)),
    ) for clause in clauses]


def coverage_csv(rows: Iterable[ClauseCoverage]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["clause", "section", "lessons", "vignettes", "complete"])
    for row in rows:
        writer.writerow([row.clause.id, row.clause.section, ";".join(row.lessons),
                         ";".join(row.vignettes), "yes" if row.complete else "NO"])
    return buffer.getvalue()
