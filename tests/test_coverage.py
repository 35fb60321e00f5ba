"""Coverage: every clause of the reference texts is taught by a lesson and assessed by a vignette."""

import pytest
from click.testing import CliRunner

from trainingkit.bank import load_bank
from trainingkit.cli import main
from trainingkit.course import Course
from trainingkit.coverage import CoverageError, coverage_map, load_clauses
from trainingkit.lessons import load_lessons


def test_every_clause_has_a_lesson_and_a_vignette(project: Course) -> None:
    """No clause in the catalogue lacks a lesson that teaches it or a vignette that assesses it."""
    rows = coverage_map(load_clauses(project.clauses_file), load_lessons(project.lessons_dir),
                        load_bank(project.bank_dir))
    assert [row.clause.id for row in rows if not row.lessons] == []
    assert [row.clause.id for row in rows if not row.vignettes] == []


def test_every_section_of_the_reference_has_clauses(project: Course) -> None:
    """Every section a vignette can cite has at least one clause in the catalogue."""
    from trainingkit.bank.model import CODE_SECTIONS

    sections = {clause.section for clause in load_clauses(project.clauses_file)}
    assert sorted(set(CODE_SECTIONS) - sections) == []


def test_citing_an_unknown_clause_is_an_error(project: Course) -> None:
    """A vignette citing a clause id that is not in the catalogue is named."""
    bank = load_bank(project.bank_dir)
    clauses = [c for c in load_clauses(project.clauses_file) if c.id != "dual-never"]
    with pytest.raises(CoverageError, match=r"vignette dual-\d{3}: cites unknown clause 'dual-never'"):
        coverage_map(clauses, [], bank)


def test_the_coverage_command_prints_every_clause(project: Course, monkeypatch) -> None:
    """`trainingkit coverage` prints a row per clause and exits 0 when all are covered."""
    monkeypatch.chdir(project.root)
    result = CliRunner().invoke(main, ["coverage"])
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == 1 + len(load_clauses(project.clauses_file))
