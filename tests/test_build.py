"""`trainingkit build`: deterministic notebooks and nbgrader's generated assignment."""

import hashlib
from pathlib import Path

from trainingkit.build import build
from trainingkit.course import Course


def _digests(folders: list[Path]) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in folders for p in sorted(folder.rglob("*.ipynb"))}


def test_the_committed_notebooks_are_up_to_date(course_copy: Course) -> None:
    """Rebuilding from the bank and lessons changes no byte of the committed notebooks."""
    before = _digests([course_copy.source_dir, course_copy.notebooks_dir])
    report = build(course_copy, generate=False)
    assert report.written == (), f"out of date, run `make course`: {report.written}"
    assert _digests([course_copy.source_dir, course_copy.notebooks_dir]) == before


def test_build_generates_the_release_version(course_copy: Course) -> None:
    """A full build runs nbgrader generate_assignment into release/ with a private gradebook, saying each step
    as it starts (make lab and make course show them instead of a minute of silence)."""
    said: list[str] = []
    report = build(course_copy, only=("practice-foundations",), say=said.append)
    assert said == ["Reading the bank and the assignments", "Rendering the assignments and lessons",
                    "Generating the trainee version of practice-foundations with nbgrader (1 of 1)"]
    assert report.generated == ("practice-foundations",)
    released = course_copy.release_dir / "practice-foundations" / "practice-foundations.ipynb"
    assert released.is_file()
    assert (course_copy.coursework / "gradebook.db").stat().st_mode & 0o077 == 0
    assert not (course_copy.release_dir / "practice-foundations" / "answers.json").exists()
