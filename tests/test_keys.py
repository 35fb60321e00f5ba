"""Answer keys stay on the instructor side: never in release/ nor in the installed package."""

from pathlib import Path

import trainingkit
from trainingkit.bank import load_bank
from trainingkit.build import build
from trainingkit.course import Course


def _secrets(course: Course) -> list[str]:
    """Texts that would give a key away: rationales and per-option feedback."""
    secrets = []
    for vignette in load_bank(course.bank_dir).values():
        secrets.append(vignette.rationale)
        secrets.extend(option.feedback for option in vignette.options)
    return [" ".join(s.split())[:60] for s in secrets]


def _texts(folder: Path) -> str:
    return "\n".join(" ".join(p.read_text(errors="ignore").replace("\\n", " ").split())
                     for p in folder.rglob("*") if p.is_file())


def test_no_key_reaches_the_release_folder(course_copy: Course) -> None:
    """After generate_assignment, no rationale or option feedback is in release/."""
    build(course_copy)
    released = _texts(course_copy.release_dir)
    assert released, "nothing was released"
    leaked = [secret for secret in _secrets(course_copy) if secret in released]
    assert leaked == []


def test_no_key_is_in_the_installed_package(project: Course) -> None:
    """The installed trainingkit package holds no bank file and no key text."""
    package = Path(trainingkit.__file__).parent
    assert not list(package.rglob("*.yaml"))
    installed = _texts(package)
    assert [secret for secret in _secrets(project) if secret in installed] == []
