"""What a ``trainingkit grade`` process sets up for itself before grading, to grade faster.

Nothing here changes what grading reads, writes or scores; each function says what it saves.

**One SQLAlchemy engine per gradebook** (:func:`share_gradebook_engines`). nbgrader opens
a new :class:`nbgrader.api.Gradebook` for each step of grading one trainee (seven for an
autograded notebook: the student, the assignment, the submission, the notebooks, the
missing files, the scores, the late penalty), and each ``Gradebook`` calls
``create_engine``. SQLAlchemy keeps its compiled SQL per engine, so every step compiled
nbgrader's queries afresh: about a quarter of a trainee's grading time went to turning
the same ORM queries into the same SQL. :func:`share_gradebook_engines` makes nbgrader's ``create_engine`` return the engine this
process already made for the same URL and options. Nothing else changes: each
``Gradebook`` still has its own session, and its ``close`` still disposes of the engine's
connections (an engine stays usable after ``dispose``; the next ``Gradebook`` connects
afresh, so connection events such as SQLite's busy timeout still apply). Engines are
kept per process id, so a forked worker never uses an engine made by its parent.

**The course loaded before the workers fork** (:func:`load_course_material`): the bank,
the assignments and the source notebooks, so each worker does not parse the bank again.

**No grammar compiled for a check grading never makes** (:func:`skip_unused_slow_imports`).

Only ``trainingkit grade`` turns these on, for its own processes; the formgrader and plain
``nbgrader`` commands keep nbgrader's behaviour.
"""

from __future__ import annotations

import os
import sys
from typing import Any

_ENGINES: dict[tuple[Any, ...], Any] = {}


def share_gradebook_engines() -> None:
    """Make nbgrader's gradebooks in this process share one engine per database URL."""
    import nbgrader.api

    if getattr(nbgrader.api.create_engine, "shares_engines", False):
        return
    create_engine = nbgrader.api.create_engine

    def shared_engine(url: Any, **options: Any) -> Any:
        key = (os.getpid(), str(url), tuple(sorted(options.items())))
        engine = _ENGINES.get(key)
        if engine is None:
            engine = _ENGINES[key] = create_engine(url, **options)
        return engine

    shared_engine.shares_engines = True  # type: ignore[attr-defined]
    nbgrader.api.create_engine = shared_engine


#: Imported by jsonschema, when installed, for its "iri" format checks, which no notebook or
#: gradebook check uses (nbformat validates without format checks): rfc3987-syntax compiles
#: its grammars on import, a second of a grading run's start-up. ``trainingkit hub`` leaves
#: it out of the deployed install for the same reason (``hub.deploy.UNUSED_SLOW_PACKAGES``).
UNUSED_SLOW_MODULES = ("rfc3987_syntax",)


def skip_unused_slow_imports() -> None:
    """In a process about to import jsonschema, leave out modules grading never uses.

    Only for a process of the grade command's own: jsonschema then skips the checks those
    modules provide, for the rest of the process. Does nothing once jsonschema is imported.
    """
    if "jsonschema" in sys.modules:
        return
    for name in UNUSED_SLOW_MODULES:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # import fails: jsonschema skips it


def load_course_material(config: Any, assignment_id: str) -> None:
    """Load, in the parent, what every forked worker's ``GradeFromAnswers`` reads first.

    The bank, the assignments file and the assignment's source notebooks are cached per
    process (and checked against the files' times and sizes before each use), so workers
    forked afterwards start with them instead of each parsing the bank's YAML again.
    """
    from trainingkit.grading.preprocessors import GradeFromAnswers

    if GradeFromAnswers not in config.Autograde.get("sanitize_preprocessors", []):
        return
    try:
        GradeFromAnswers(config=config).load(assignment_id)
    except Exception:  # noqa: BLE001 - e.g. a bank error: each trainee's grading reports it, as without this
        pass
