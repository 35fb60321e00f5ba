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
@click.option("--reliability", "show_reliability", is_flag=True,
              help="Print KR-20/alpha, SEM, SEM at the cut and decision consistency (one row).")
@click.option("--cut", type=click.FloatRange(0, 100, min_open=True), default=None, metavar="PERCENT",
              help="The cut score for --reliability [default: the assignment's pass mark or form's cut score].")
@click.option("--retirements", is_flag=True,
              help="Print the items proposed for retirement (facility outside 0.30-0.90, discrimination < 0.20).")
def items(assignment: str, summary: bool, show_reliability: bool, cut: float | None, retirements: bool) -> None:
    """Item analysis of ASSIGNMENT from the gradebook, as CSV (Moodle's quiz statistics).

    One row per item: item, domain, kind, trainees, max_points, facility, sd, discrimination,
    discriminative_efficiency, flags, no_answer, chose_<option>... Fractions, not percents.
    Flags: too_hard (facility < 0.2), too_easy (> 0.95), low_discrimination (< 0.2), no_spread.

    With --summary, one row: assignment, trainees, not_fully_graded, items, max_points,
    mean_points, median_points, sd_points, cic, error_ratio, standard_error_points.

    With --reliability, one row: assignment, trainees, items, max_points, coefficient_name
    (KR-20 or alpha), coefficient, sd_points, sem_points, cut_percent, cut_points,
    sem_at_cut_points (Lord's binomial), pass_rate, decision_consistency and kappa (Subkoviak).

    With --retirements, one row per item to retire: item, trainees, facility, discrimination,
    reasons, action (retire; check the key, then retire; or watch, under 30 trainees), bank_line.
    """
    import datetime as dt

    from trainingkit.assignments import AssignmentError
    from trainingkit.bank import BankError
    from trainingkit.course import Course
    from trainingkit.items.report import (NoGradesError, item_report, items_csv, reliability_csv, retirements_csv,
                                          summary_csv)

    if summary + show_reliability + retirements > 1:
        raise click.UsageError("choose one of --summary, --reliability and --retirements")

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
    if show_reliability:
        if cut is None and report.pass_mark is None:
            click.echo(f"Note: {assignment} has no pass mark; give --cut PERCENT for the SEM at the cut and "
                       "decision consistency.", err=True)
        click.echo(reliability_csv(report, cut), nl=False)
    elif retirements:
        click.echo(retirements_csv(report, dt.date.today().isoformat()), nl=False)
    else:
        click.echo(summary_csv(report) if summary else items_csv(report), nl=False)
