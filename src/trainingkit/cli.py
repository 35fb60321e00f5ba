"""The ``trainingkit`` command: a thin click layer over keyword-only functions."""

from __future__ import annotations

import sys

import click

from trainingkit.course import Course

#: Exit status for bad input (a file, line or question is named in the message).
BAD_INPUT = 2


def _course() -> Course:
    try:
        return Course.locate()
    except FileNotFoundError as error:
        raise click.ClickException(str(error)) from None


def _fail(error: Exception) -> None:
    click.echo(f"Error: {error}", err=True)
    sys.exit(BAD_INPUT)


@click.group()
@click.version_option(package_name="trainingkit")
def main() -> None:
    """Build, grade and report on the trauma recovery coaching workbook."""


@main.command()
@click.argument("assignments", nargs=-1)
@click.option("--no-generate", is_flag=True, help="Only render notebooks; skip nbgrader generate_assignment.")
def build(assignments: tuple[str, ...], no_generate: bool) -> None:
    """Render the bank and lessons into notebooks and generate the trainee versions."""
    from trainingkit.assignments import AssignmentError
    from trainingkit.bank import BankError
    from trainingkit.build import build as run_build
    from trainingkit.course_settings import CourseSettingsError
    from trainingkit.lessons import LessonError

    if hasattr(sys.stdout, "reconfigure"):  # each step shows as it starts, also through a pipe
        sys.stdout.reconfigure(line_buffering=True)
    try:
        report = run_build(_course(), generate=not no_generate, only=assignments,
                           say=lambda line: click.echo(f"{line} ...", nl=True))
    except (BankError, AssignmentError, LessonError, CourseSettingsError, KeyError) as error:
        _fail(error)
    for path in report.written:
        click.echo(f"wrote {path}")
    click.echo(f"{len(report.written)} notebooks written, {len(report.unchanged)} unchanged; "
               f"generated: {', '.join(report.generated) or 'none'}")


@main.group()
def bank() -> None:
    """Inspect the vignette bank."""


@bank.command("stats")
def bank_stats() -> None:
    """Print CSV counts per domain: domain,items,single,multiple,reflection."""
    from trainingkit.bank import BankError, load_bank
    from trainingkit.bank.stats import stats_csv

    try:
        click.echo(stats_csv(load_bank(_course().bank_dir).values()), nl=False)
    except BankError as error:
        _fail(error)


@bank.command("check")
def bank_check() -> None:
    """Validate the bank, assignments and lessons (naming the first problem found, exit 2), then the
    exam's rules for case sets and fixed forms (naming every problem, exit 1)."""
    from trainingkit.assignments import AssignmentError
    from trainingkit.bank import BankError
    from trainingkit.build import load_course
    from trainingkit.exam.blueprint import BlueprintError
    from trainingkit.exam.checks import exam_problems
    from trainingkit.exam.forms import RegisterError
    from trainingkit.lessons import LessonError, load_lessons

    course = _course()
    try:
        bank_items, assignments = load_course(course)
        lessons = load_lessons(course.lessons_dir)
        problems = exam_problems(course, bank_items, assignments)
    except (BankError, AssignmentError, LessonError, BlueprintError, RegisterError) as error:
        _fail(error)
    for problem in problems:
        click.echo(f"Problem: {problem}", err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) in {len(bank_items)} vignettes", err=True)
        sys.exit(1)
    click.echo(f"ok: {len(bank_items)} vignettes, {len(assignments)} assignments, {len(lessons)} lessons")


@main.command("dry-run")
@click.argument("assignment")
@click.option("--trainees", default=8, show_default=True, help="How many simulated trainees.")
@click.option("--seed", default=0, show_default=True, help="Seed of the random answers.")
def dry_run(assignment: str, trainees: int, seed: int) -> None:
    """Autograde simulated trainees on a scratch copy; print trainee,pattern,score,max_score."""
    from trainingkit.dryrun import dry_run as run_dry_run

    try:
        click.echo(run_dry_run(course=_course(), assignment_id=assignment, trainees=trainees, seed=seed),
                   nl=False)
    except KeyError as error:
        _fail(error)


@main.command()
def lab() -> None:
    """Open the workbook in JupyterLab on the welcome lesson (assignments released locally)."""
    from trainingkit.lab import open_lab

    open_lab(_course())


@main.command()
def coverage() -> None:
    """Print which lessons and vignettes cover each clause; exit 1 if any clause is uncovered."""
    from trainingkit.bank import BankError, load_bank
    from trainingkit.coverage import CoverageError, coverage_csv, coverage_map, load_clauses
    from trainingkit.lessons import LessonError, load_lessons

    course = _course()
    try:
        rows = coverage_map(load_clauses(course.clauses_file), load_lessons(course.lessons_dir),
                            load_bank(course.bank_dir))
    except (BankError, CoverageError, LessonError) as error:
        _fail(error)
    click.echo(coverage_csv(rows), nl=False)
    missing = [row.clause.id for row in rows if not row.complete]
    if missing:
        click.echo(f"Not yet covered by both a lesson and a vignette: {', '.join(missing)}", err=True)
        sys.exit(1)


from trainingkit.items.cli import items as items_command  # noqa: E402 - registered after main

main.add_command(items_command)

from trainingkit.renewal.cli import renewal as renewal_command  # noqa: E402 - registered after main

main.add_command(renewal_command)

from trainingkit.grade import grade_command  # noqa: E402 - registered after main

main.add_command(grade_command)

from trainingkit.hub.run import hub as hub_command  # noqa: E402 - registered after main

main.add_command(hub_command)

from trainingkit.hub.enrol_cli import roster as roster_command  # noqa: E402 - registered after main

main.add_command(roster_command)

from trainingkit.credentials.cli import certificate  # noqa: E402
from trainingkit.exam.cli import forms, review, review_form, standard_setting  # noqa: E402

for command in (forms, review_form, review, standard_setting, certificate):
    main.add_command(command)
