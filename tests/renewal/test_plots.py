"""The office's plots (trainingkit.renewal.plots)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from trainingkit.renewal.history import status_history
from trainingkit.renewal.plots import (STATUS_COLOURS, png_bytes, renewals_due_figure, timeline_description,
                                      timeline_figure)
from trainingkit.renewal.status import Status

from .helpers import certified, charged, committee, day, review, supervision, verdict

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_every_status_has_its_own_colour() -> None:
    """The timeline can tell every status apart."""
    assert set(STATUS_COLOURS) == set(Status) and len(set(STATUS_COLOURS.values())) == len(Status)


def test_the_renewals_due_plot_renders_to_png() -> None:
    """A month-by-month bar chart becomes PNG bytes without pyplot."""
    due = pd.Series([0, 3, 1], index=["2025-06", "2025-07", "2025-08"])
    assert png_bytes(renewals_due_figure(due, on=date(2025, 6, 30))).startswith(PNG_SIGNATURE)


def test_the_timeline_shows_a_band_per_status_and_a_lane_per_event_kind() -> None:
    """Status spans are drawn as bars; each kind of event gets a labelled lane."""
    events = [certified("2020-01-15"), review("2021-12-01", 60), supervision("2022-08-01", "Dr A", 6),
              verdict("2022-08-02", "Dr A", "not_competent"), committee("2022-09-01", "cleared"),
              charged("2023-01-01")]
    spans = status_history(events, until=day("2023-06-01"))
    figure = timeline_figure(title="C1", spans=spans, events=events)
    axes = figure.axes[0]
    labels = [label.get_text() for label in axes.get_yticklabels()]
    assert labels[0] == "status" and "verdict" in labels and "committee" in labels
    assert len(axes.patches) >= len(spans)
    assert png_bytes(figure).startswith(PNG_SIGNATURE)


def test_the_timeline_says_in_words_every_status_and_event_it_draws() -> None:
    """The timeline's text alternative names each status with its days and each event with its day and result."""
    events = [certified("2020-01-15"), review("2021-12-01", 60), supervision("2022-08-01", "Dr A", 6)]
    spans = status_history(events, until=day("2022-09-01"))
    words = timeline_description(title="Certification history of C1", spans=spans, events=events)
    assert words.startswith("Certification history of C1. Status: certified from 2020-01-15 to ")
    assert all(f"{span.status.value.replace('_', ' ')} from {span.starts_on.isoformat()}" in words for span in spans)
    assert "certified on 2020-01-15" in words and "supervision on 2022-08-01" in words
    assert "review on 2021-12-01 (score 60.0 against cut score" in words and "not passed)" in words
