"""Plots for the certification office, drawn with matplotlib's Agg backend into PNG bytes.

Figures are built with :class:`matplotlib.figure.Figure` and an Agg canvas,
never through pyplot, so nothing here touches a global backend or leaves a
window open.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, timedelta

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .events import Event, EventKind
from .history import StatusSpan
from .settings import DEFAULT_RULES, RenewalRules
from .status import Status

__all__ = ["STATUS_COLOURS", "png_bytes", "renewals_due_figure", "timeline_description", "timeline_figure"]

#: One colour per status (colour-blind-safe Okabe-Ito palette, greys for no certification).
STATUS_COLOURS: dict[Status, str] = {
    Status.REVOKED: "#000000",
    Status.SUSPENDED: "#CC79A7",
    Status.REFERRED: "#D55E00",
    Status.NOT_CERTIFIED: "#BBBBBB",
    Status.CERTIFIED: "#009E73",
    Status.READY_TO_RENEW: "#56B4E9",
    Status.RENEWAL_DUE: "#F0E442",
    Status.LAPSED: "#E69F00",
    Status.SUPERVISION_REQUIRED: "#0072B2",
}

_MARKERS: dict[EventKind, str] = {
    EventKind.CERTIFIED: "*",
    EventKind.REVIEW: "o",
    EventKind.RENEWED: "D",
    EventKind.SUPERVISION: "s",
    EventKind.VERDICT: "^",
    EventKind.CHARGED: "X",
    EventKind.CHARGE_REPORTED: "P",
    EventKind.COMMITTEE: "v",
}


def png_bytes(figure: Figure) -> bytes:
    """Render ``figure`` with the Agg backend and return the PNG file's bytes."""
    canvas = FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    canvas.print_png(buffer)
    return buffer.getvalue()


def renewals_due_figure(due_per_month: pd.Series, *, on: date) -> Figure:
    """Bar chart of certifications expiring in each month (index: month labels ``YYYY-MM``)."""
    figure = Figure(figsize=(11, 4.5), layout="constrained")
    axes = figure.add_subplot()
    labels = [str(month) for month in due_per_month.index]
    axes.bar(labels, due_per_month.to_numpy(), color=STATUS_COLOURS[Status.RENEWAL_DUE],
             edgecolor="#555555")
    axes.set_title(f"Certifications expiring per month, from {on.isoformat()}")
    axes.set_xlabel("Month of expiry")
    axes.set_ylabel("Coaches")
    axes.tick_params(axis="x", labelrotation=60)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="y", alpha=0.3)
    return figure


def timeline_figure(
    *,
    title: str,
    spans: Sequence[StatusSpan],
    events: Sequence[Event],
    rules: RenewalRules = DEFAULT_RULES,
) -> Figure:
    """One coach's history: a band coloured by status, and a lane of markers per event kind."""
    kinds = [kind for kind in _MARKERS if any(event.kind is kind for event in events)]
    lanes = {kind: len(kinds) - position for position, kind in enumerate(kinds)}
    status_row = len(kinds) + 1.2
    figure = Figure(figsize=(12, 2.2 + 0.35 * len(kinds)), layout="constrained")
    axes = figure.add_subplot()
    for span in spans:
        width = (span.ends_on - span.starts_on).days + 1
        axes.barh(status_row, width, left=pd.Timestamp(span.starts_on), height=0.8,
                  color=STATUS_COLOURS[span.status], edgecolor="none")
    for kind, lane in lanes.items():
        chosen = [event for event in events if event.kind is kind]
        days = [pd.Timestamp(event.on) for event in chosen]
        if kind is EventKind.REVIEW:
            results = [event.review for event in chosen]
            passed = [result is not None and result.passed for result in results]
            axes.scatter(days, [lane] * len(days), marker=_MARKERS[kind], zorder=3,
                         facecolors=["#009E73" if ok else "none" for ok in passed],
                         edgecolors=["#009E73" if ok else "#D55E00" for ok in passed])
            for day, result in zip(days, results, strict=True):  # "83.3 / 72.1" beside each review
                axes.annotate(f"{result.score:.1f} / {result.cut_score:g}{'*' if result.legacy else ''}",
                              (day, lane), xytext=(0, 7), textcoords="offset points", ha="center",
                              fontsize="x-small")
        else:
            axes.scatter(days, [lane] * len(days), marker=_MARKERS[kind], color="#333333",
                         zorder=3)
    for status in dict.fromkeys(span.status for span in spans):
        axes.barh(status_row, 0, color=STATUS_COLOURS[status],
                  label=status.value.replace("_", " "))
    axes.set_yticks(
        [status_row, *lanes.values()],
        ["status", *(_lane_label(kind, rules) for kind in lanes)],
    )
    axes.set_ylim(0.4, status_row + 0.6)
    if spans:
        axes.set_xlim(pd.Timestamp(spans[0].starts_on) - timedelta(days=20),
                      pd.Timestamp(spans[-1].ends_on) + timedelta(days=20))
    axes.set_title(title)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=5, fontsize="small",
                frameon=False)
    axes.grid(axis="x", alpha=0.3)
    return figure


def timeline_description(*, title: str, spans: Sequence[StatusSpan], events: Sequence[Event]) -> str:
    """What :func:`timeline_figure` shows, in words: the picture's text alternative.

    Someone who cannot see the picture reads the same history: each status with its first
    and last day, then each event on its day (a review with its score, cut score and result).
    """
    statuses = "; ".join(f"{span.status.value.replace('_', ' ')} from {span.starts_on.isoformat()} "
                         f"to {span.ends_on.isoformat()}" for span in spans)
    happened = []
    for event in events:
        words = f"{event.kind.value.replace('_', ' ')} on {event.on.isoformat()}"
        result = event.review
        if result is not None:
            words += (f" (score {result.score:.1f} against cut score {result.cut_score:g}, "
                      f"{'passed' if result.passed else 'not passed'})")
        happened.append(words)
    return f"{title}. Status: {statuses or 'none'}. Events: {'; '.join(happened) or 'none'}."


def _lane_label(kind: EventKind, rules: RenewalRules) -> str:
    """Name an event lane (reviews say how passing and failing differ)."""
    if kind is EventKind.REVIEW:
        return "review: score / cut (filled: passed)"
    return kind.value.replace("_", " ")
