"""The nbgrader preprocessor that grades a submission without running any of it.

:class:`GradeFromAnswers` is the whole of the course's sanitizing stage (see
:mod:`trainingkit.grading.config`). It reads the submission's ``answers.json`` as data,
replaces the submitted notebook by the assignment's source notebook, and writes into it
each choice's score (the output nbgrader's ``SaveAutoGrades`` reads), each reflection's
text and the feedback summary (:func:`~trainingkit.grading.graded.graded_notebook`).
No kernel starts and nothing in the submission folder is imported or run.

nbgrader copies every file of a submission into its graded folder, which the formgrader
serves from its own origin (``/formgrader/submissions/ID/FILE``): a trainee's HTML file
there would run with the supervisor's powers. So the graded folder keeps only what grading
writes: the graded notebook and the two plain-text files nbgrader itself needs later
(:data:`NBGRADER_FILES`).
"""

from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path

import nbformat
from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor, SaveAutoGrades
from traitlets import Unicode

from trainingkit.answers import AnswersFileError, answers_path, read_answers
from trainingkit.assignments import Assignment, AssignmentError, load_assignments
from trainingkit.bank import load_bank
from trainingkit.bank.model import Vignette
from trainingkit.grading.graded import Submission, graded_notebook

UNREADABLE = ("your answers file could not be read, so no choice could be scored; "
              "please talk to your supervisor, who can see the file you submitted")
MISSING = "no answers were saved with this submission"
#: Files nbgrader reads from a graded folder: the submission time, and the secret that
#: ``release_feedback`` names the returned feedback by. Served as plain text, if at all.
NBGRADER_FILES = frozenset({"timestamp.txt", "submission_secret.txt"})


def _fingerprint(*paths: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, modification time and size of every file under ``paths``: changes when any changes."""
    files = sorted(p for path in paths for p in ([path] if path.is_file() else path.rglob("*")) if p.is_file())
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)


@functools.lru_cache(maxsize=4)
def _course_material(bank_dir: str, assignments_file: str, _fingerprint: tuple) -> tuple[
        dict[str, Vignette], dict[str, Assignment], str]:
    bank = load_bank(bank_dir)
    try:
        return bank, load_assignments(assignments_file, bank), ""
    except AssignmentError as error:
        return bank, {}, str(error)


@functools.lru_cache(maxsize=16)
def _source_notebook(path: str, _fingerprint: tuple) -> NotebookNode:
    return nbformat.read(path, as_version=4)


def read_submission(folder: Path) -> tuple[Submission, str]:
    """The answers submitted in ``folder``, and the reason when they cannot be read (for the log)."""
    try:
        answers = read_answers(answers_path(folder))
    except AnswersFileError as error:
        return Submission({}, UNREADABLE), str(error)
    if not answers and not answers_path(folder).exists():
        return Submission({}, MISSING), ""
    return Submission(answers), ""


def clear_submitted_files(graded_folder: Path) -> list[str]:
    """Remove from a graded folder every submitted file nbgrader does not need; return their names."""
    removed = []
    for entry in sorted(graded_folder.iterdir()) if graded_folder.is_dir() else []:
        if entry.name in NBGRADER_FILES and entry.is_file() and not entry.is_symlink():
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            os.unlink(entry)
        removed.append(entry.name)
    return removed


class GradeFromAnswers(NbGraderPreprocessor):
    """Grade a submission from its answers file into a copy of the trusted source notebook."""

    bank_dir = Unicode(help="Folder of the vignette bank (YAML files).").tag(config=True)
    assignments_file = Unicode(help="The course's assignments.yaml.").tag(config=True)
    source_dir = Unicode(help="nbgrader's source folder: SOURCE_DIR/ASSIGNMENT/NOTEBOOK.ipynb.").tag(config=True)

    def _course_material(self) -> tuple[dict[str, Vignette], dict[str, Assignment], str]:
        bank_dir, assignments_file = Path(self.bank_dir), Path(self.assignments_file)
        return _course_material(self.bank_dir, self.assignments_file, _fingerprint(
            bank_dir, assignments_file, assignments_file.with_name("forms.yaml")))

    def load(self, assignment_id: str) -> None:
        """Load into this process's caches what grading ``assignment_id`` reads: bank, assignments, sources.

        For a parent process about to fork grading workers; a file changed since is read again.
        """
        self._course_material()
        for path in sorted((Path(self.source_dir) / assignment_id).glob("*.ipynb")):
            _source_notebook(str(path), _fingerprint(path))

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        names = resources["nbgrader"]
        assignment_id, notebook_id, student = names["assignment"], names["notebook"], names["student"]
        source_path = Path(self.source_dir) / assignment_id / f"{notebook_id}.ipynb"
        if not source_path.is_file():
            raise FileNotFoundError(f"{source_path}: the source notebook of {assignment_id!r} is missing; "
                                    f"run `trainingkit build {assignment_id}`")
        source = _source_notebook(str(source_path), _fingerprint(source_path))
        bank, assignments, problem = self._course_material()
        assignment = assignments.get(assignment_id)
        if assignment is None:
            self.log.warning("%s: %s; giving review-style feedback", assignment_id,
                             problem or "not in the assignments file")
        submission, reason = read_submission(Path(resources["metadata"]["path"]))
        if reason:
            self.log.warning("%s: %s", student, reason)
        from nbgrader.coursedir import CourseDirectory

        coursedir = CourseDirectory(config=self.config)
        graded_folder = Path(coursedir.format_path(coursedir.autograded_directory, student, assignment_id))
        removed = clear_submitted_files(graded_folder)
        if removed:
            self.log.info("%s: left out of the graded folder: %s", student, ", ".join(removed))
        dropped = len(nb.cells) - len(source.cells)
        if dropped > 0:
            self.log.info("%s: %d cell(s) the trainee added are left out of the graded notebook", student, dropped)
        return graded_notebook(source, bank=bank, assignment=assignment, submission=submission), resources


class _CommitAtTheEnd:
    """A gradebook session whose ``commit`` only flushes: the caller commits once, at the end."""

    def __init__(self, session: object) -> None:
        self._session = session

    def commit(self) -> None:
        self._session.flush()  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self._session, name)


class SaveAutoGradesAtOnce(SaveAutoGrades):
    """nbgrader's ``SaveAutoGrades``, with the notebook's grades read in one query and saved in one transaction.

    nbgrader looks each grade cell's row up with a query of its own (a join of seven
    tables) and commits after every cell; on SQLite each commit waits for the disk, so an
    exam of 24 questions spent most of its grading time waiting, and two grading workers
    queued for the gradebook's lock between each other's commits. Here the notebook's
    grade rows are read together first, and the cells' grades are committed together
    when the notebook's cells are done (a failure part-way saves none of them instead of
    some). The scores themselves are nbgrader's: its ``_add_score`` and ``_add_comment``
    run unchanged, and a grade cell not found among the rows read is looked up exactly as
    nbgrader does (``find_grade``, with its error).
    """

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        names = resources["nbgrader"]
        self.notebook_id, self.assignment_id = names["notebook"], names["assignment"]
        self.student_id, self.db_url = names["student"], names["db_url"]
        self.gradebook = Gradebook(self.db_url)
        with self.gradebook:
            session = self.gradebook.db
            rows = _grade_rows(session, self.notebook_id, self.assignment_id, self.student_id)
            find_grade = self.gradebook.find_grade
            ours = (self.notebook_id, self.assignment_id, self.student_id)

            def find_read_grade(grade_cell: str, notebook: str, assignment: str, student: str) -> object:
                if grade_cell in rows and (notebook, assignment, student) == ours:
                    return rows[grade_cell]
                return find_grade(grade_cell, notebook, assignment, student)

            self.gradebook.find_grade = find_read_grade  # type: ignore[method-assign]
            self.gradebook.db = _CommitAtTheEnd(session)
            try:
                nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)
            finally:
                self.gradebook.db = session
                del self.gradebook.find_grade
            session.commit()
        return nb, resources


def _grade_rows(session: object, notebook: str, assignment: str, student: str) -> dict[str, object]:
    """Every grade row of a grade cell in ``student``'s submitted ``notebook``, by the cell's name.

    The same rows ``Gradebook.find_grade`` finds one at a time (grade cells; task cells are
    left to it), in one query.
    """
    from nbgrader.api import Assignment as AssignmentRow
    from nbgrader.api import Grade, GradeCell, Notebook, Student, SubmittedAssignment, SubmittedNotebook

    query = session.query(GradeCell.name, Grade).select_from(Grade)\
        .join(GradeCell, GradeCell.id == Grade.cell_id)\
        .join(SubmittedNotebook, SubmittedNotebook.id == Grade.notebook_id)\
        .join(Notebook, Notebook.id == SubmittedNotebook.notebook_id)\
        .join(SubmittedAssignment, SubmittedAssignment.id == SubmittedNotebook.assignment_id)\
        .join(AssignmentRow, AssignmentRow.id == SubmittedAssignment.assignment_id)\
        .join(Student, Student.id == SubmittedAssignment.student_id)\
        .filter(Notebook.name == notebook, AssignmentRow.name == assignment, Student.id == student)  # type: ignore[attr-defined]
    rows: dict[str, object] = {}
    for name, grade in query:
        rows[name] = None if name in rows else grade  # two rows for one name: leave it to find_grade
    return {name: grade for name, grade in rows.items() if grade is not None}
