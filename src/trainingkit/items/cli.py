"""``trainingkit items``: a thin click layer over :func:`trainingkit.items.report.item_report`.

Only click is imported here; pandas and nbgrader load when the command runs.
"""

from __future__ import annotations

import sys

import click

__all__ = ["items"]

#: Exit status for bad input, as in :mod:`trainingkit.cli`.
BAD_INPUT = 2


@click.command("items")
@click.argument("assignment")
@click.option("--summary", is_flag=True,
              help="Print the assignment's test statistics (one row) instead of one row per item.")
def items(assignment: str, summary: bool) -> None:
    """Item analysis of ASSIGNMENT from the gradebook, as CSV (Moodle's quiz statistics).

    One row per item: item, domain, kind, trainees, max_points, facility, sd, discrimination,
    discriminative_efficiency, flags, no_answer, chose_<option>... Fractions, not percents.
    Flags: too_hard (facility < 0.2), too_easy (> 0.95), low_discrimination (< 0.2), no_spread.

    With --summary, one row: assignment, trainees, not_fully_graded, items, max_points,
    mean_points, median_points, sd_points, cic, error_ratio, standard_error_points.
    """
    from trainingkit.assignments import AssignmentError
    from trainingkit.bank import BankError
    from trainingkit.course import Course
    from trainingkit.items.report import NoGradesError, item_report, items_csv, summary_csv

    try:
        course = Course.locate()
    except FileNotFoundError as error:
        raise click.ClickException(str(error)) from None
    try:
        report = item_report(course=course, assignment_id=assignment)
    except (KeyError, NoGradesError, BankError, AssignmentError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        click.echo(f"Error: {message}", err=True)
        sys.exit(BAD_INPUT)
    for problem in report.problems:
        click.echo(f"Warning: {problem}", err=True)
    click.echo(summary_csv(report) if summary else items_csv(report), nl=False)
