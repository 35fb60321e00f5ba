"""Where everything lives: one object owns every path convention of the course."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

COURSE_ID = "trauma-recovery-coaching"
#: The instructor files of coursework/ besides its bank/, lessons/ and source/ folders.
INSTRUCTOR_FILES = ("nbgrader_config.py", "assignments.yaml", "clauses.yaml", "blueprint.yaml", "forms.yaml",
                    "course.yaml")


def _is_course(folder: Path) -> bool:
    return (folder / "coursework" / "nbgrader_config.py").is_file()


def _named_root(value: str) -> Path:
    """The course ``TRAININGKIT_ROOT`` names; a folder that is missing or holds no course is an error.

    (Never a fallback to the working folder: a command would make a new, empty gradebook there.)
    """
    root = Path(value).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"TRAININGKIT_ROOT is {value}, a folder that does not exist: set it to the "
                                "project folder (the one holding coursework/), or unset it")
    if not _is_course(root):
        raise FileNotFoundError(f"TRAININGKIT_ROOT is {value}, which holds no trainingkit course (no "
                                "coursework/nbgrader_config.py): set it to the project folder, or unset it")
    return root


def _find_root(start: Path) -> Path:
    for folder in (start, *start.parents):
        if _is_course(folder):
            return folder
    raise FileNotFoundError(
        f"no trainingkit course found at or above {start}: expected coursework/nbgrader_config.py "
        "(run trainingkit from the project folder or set TRAININGKIT_ROOT)")


@dataclass(frozen=True)
class Course:
    """The project folder and the course folders inside it."""

    root: Path

    @classmethod
    def locate(cls, start: Path | str | None = None) -> "Course":
        """The course at ``TRAININGKIT_ROOT``, or the nearest project folder above ``start``.

        Raises :class:`FileNotFoundError`, saying what to do, when there is none.
        """
        if start is None and os.environ.get("TRAININGKIT_ROOT"):
            return cls(_named_root(os.environ["TRAININGKIT_ROOT"]))
        return cls(_find_root(Path(start or os.getcwd()).resolve()))

    @property
    def coursework(self) -> Path:
        return self.root / "coursework"

    @property
    def settings_file(self) -> Path:
        """The course's own settings (trainingkit.course_settings): its time zone."""
        return self.coursework / "course.yaml"

    @property
    def bank_dir(self) -> Path:
        return self.coursework / "bank"

    @property
    def lessons_dir(self) -> Path:
        return self.coursework / "lessons"

    @property
    def assignments_file(self) -> Path:
        return self.coursework / "assignments.yaml"

    @property
    def blueprint_file(self) -> Path:
        """The ethics review's blueprint."""
        return self.coursework / "blueprint.yaml"

    @property
    def forms_file(self) -> Path:
        """The register of ethics review forms already given."""
        return self.coursework / "forms.yaml"

    @property
    def ratings_dir(self) -> Path:
        """Supervisors' Angoff ratings: ``round-N/RATER.csv`` per round of the panel (or ``RATER.csv``: round 1)."""
        return self.coursework / "ratings"

    @property
    def clauses_file(self) -> Path:
        return self.coursework / "clauses.yaml"

    @property
    def source_dir(self) -> Path:
        return self.coursework / "source"

    @property
    def release_dir(self) -> Path:
        return self.coursework / "release"

    @property
    def notebooks_dir(self) -> Path:
        return self.root / "notebooks"

    @property
    def workbook_dir(self) -> Path:
        """``make lab``'s own working folder: copies of the lessons, fetched assignments."""
        return self.root / "workbook"

    @property
    def db_url(self) -> str:
        """The gradebook: ``TRAININGKIT_DB_URL`` (any SQLAlchemy URL) or SQLite in coursework/."""
        return os.environ.get("TRAININGKIT_DB_URL") or f"sqlite:///{self.coursework / 'gradebook.db'}"

    @property
    def exchange_dir(self) -> Path:
        return Path(os.environ.get("TRAININGKIT_EXCHANGE", self.root / ".exchange"))

    @property
    def course_store(self) -> Path:
        """The course service's store on the hub (submissions as received): the grader's alone."""
        return self.root / "course-store"

    @property
    def roster_file(self) -> Path:
        """The class roster (``username,role,name,coach_id,email``): who has a coach id. On the hub,
        ``trainingkit hub`` writes its roster here, in the grader's private course folder."""
        return self.root / "roster.csv"

    def source_notebook(self, assignment_id: str) -> Path:
        return self.source_dir / assignment_id / f"{assignment_id}.ipynb"
