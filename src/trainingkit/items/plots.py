"""The supervisor dashboard's plots, each drawn from a :class:`~trainingkit.items.dashboard.Cohort`.

Every function returns a matplotlib ``Figure`` made without pyplot (Jupyter shows the
figure a cell returns; nothing is left open). Levels and statuses are told apart by
patterns and labels as well as colour. Figures of a demonstration cohort say so in
their title and across the plot.
"""

from __future__ import annotations

from textwrap import fill

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from trainingkit.bank.model import DOMAINS
from trainingkit.items.dashboard import PROGRESS_LABELS, RENEWAL_PIPELINE, Cohort, domain_scores

__all__ = ["flagged_items", "plot_domain_scores", "plot_item_quality", "plot_progress",
           "plot_progress_by_trainee", "plot_renewal_pipeline"]

#: Colour and hatch of progress levels 0, 1, 2.
LEVEL_STYLES = (("#d9d9d9", ""), ("#f0b45a", "//"), ("#3a7dbf", ""))
#: Marker of each assignment in the item-quality plot, in order of first appearance.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
DEMONSTRATION = "DEMONSTRATION DATA (made-up {who})"


def _mark(figure: Figure, demonstration: bool, title: str, who: str = "trainees") -> Figure:
    figure.suptitle(f"{title}\n{DEMONSTRATION.format(who=who)}" if demonstration else title)
    if demonstration:
        figure.text(0.5, 0.5, "DEMONSTRATION", fontsize=44, color="grey", alpha=0.15,
                    ha="center", va="center", rotation=25)
    figure.tight_layout()
    return figure


def _empty(title: str, message: str, demonstration: bool = False, who: str = "trainees") -> Figure:
    figure = Figure(figsize=(8, 2.5))
    axes = figure.subplots()
    axes.axis("off")
    axes.text(0.5, 0.5, message, ha="center", va="center", wrap=True)
    return _mark(figure, demonstration, title, who)


def plot_progress(cohort: Cohort) -> Figure:
    """How many trainees reached each level of every lesson and assignment (stacked bars)."""
    title = "Cohort progress through lessons and assignments"
    progress = cohort.progress
    if progress.empty or not len(progress.columns):
        return _empty(title, "No trainees or stages yet.", cohort.demonstration)
    counts = pd.DataFrame({level: (progress == level).sum(axis=0) for level in range(3)})
    figure = Figure(figsize=(9, 0.35 * len(counts) + 1.8))
    axes = figure.subplots()
    positions = np.arange(len(counts))[::-1]
    left = np.zeros(len(counts))
    for level, (colour, hatch) in enumerate(LEVEL_STYLES):
        axes.barh(positions, counts[level], left=left, color=colour, hatch=hatch, edgecolor="black",
                  linewidth=0.4, label=" / ".join(labels[level] for labels in PROGRESS_LABELS.values()))
        left += counts[level].to_numpy()
    kinds = cohort.stage_kinds.reindex(counts.index)
    axes.set_yticks(positions, [f"{stage} ({kind})" for stage, kind in zip(counts.index, kinds)], fontsize=8)
    axes.set_xlabel(f"trainees (of {len(progress)})")
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=7, frameon=False,
                title="lesson / assignment", title_fontsize=7)
    return _mark(figure, cohort.demonstration, title)


def plot_progress_by_trainee(cohort: Cohort, *, limit: int = 60) -> Figure:
    """Each trainee's level in every lesson and assignment (a grid; names pseudonymised if asked).

    A cohort larger than ``limit`` shows the ``limit`` trainees furthest behind.
    """
    title = "Progress of each trainee"
    progress = cohort.progress
    if progress.empty or not len(progress.columns):
        return _empty(title, "No trainees or stages yet.", cohort.demonstration)
    if len(progress) > limit:
        behind = progress.sum(axis=1).sort_values(kind="stable").index[:limit]
        progress = progress.loc[sorted(behind)]
        title = f"Progress of the {limit} trainees furthest behind (of {len(cohort.progress)})"
    from matplotlib.colors import ListedColormap

    figure = Figure(figsize=(max(6, 0.45 * progress.shape[1] + 3), 0.28 * len(progress) + 2.2))
    axes = figure.subplots()
    axes.imshow(progress.to_numpy(), cmap=ListedColormap([c for c, _ in LEVEL_STYLES]), vmin=0, vmax=2,
                aspect="auto", interpolation="nearest")
    if progress.size <= 2500:
        symbols = ("", "…", "✓")
        for (row, column), level in np.ndenumerate(progress.to_numpy()):
            axes.text(column, row, symbols[level], ha="center", va="center", fontsize=7,
                      color="white" if level == 2 else "black")
    axes.set_xticks(range(progress.shape[1]), progress.columns, rotation=60, ha="right", fontsize=7)
    axes.set_yticks(range(len(progress)), progress.index, fontsize=7)
    handles = [Patch(facecolor=colour, edgecolor="black", label=f"{symbol} " + " / ".join(
        labels[level] for labels in PROGRESS_LABELS.values()))
        for level, ((colour, _), symbol) in enumerate(zip(LEVEL_STYLES, ("(blank)", "…", "✓")))]
    axes.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.01), fontsize=7, ncol=3, frameon=False)
    return _mark(figure, cohort.demonstration, title)


def plot_domain_scores(cohort: Cohort) -> Figure:
    """Distribution of trainees' shares of points per domain, over all graded items."""
    title = "Scores per domain (share of points earned on graded items)"
    shares = domain_scores(cohort.scores) if len(cohort.scores) else pd.DataFrame()
    if shares.empty:
        return _empty(title, "No graded submissions yet.", cohort.demonstration)
    domains = [d for d in (*DOMAINS, *sorted(set(shares.columns) - set(DOMAINS))) if d in shares.columns]
    figure = Figure(figsize=(9, 4.8))
    axes = figure.subplots()
    data = [shares[d].dropna().to_numpy() for d in domains]
    axes.boxplot(data, widths=0.5, showmeans=True)
    jitter = np.random.default_rng(0)
    for position, values in enumerate(data, start=1):
        axes.scatter(position + jitter.uniform(-0.15, 0.15, len(values)), values, s=12, alpha=0.6, color="#3a7dbf")
    labels = [fill(DOMAINS.get(d, d), 22) + f"\n(n = {len(values)})" for d, values in zip(domains, data)]
    axes.set_xticks(range(1, len(domains) + 1), labels, fontsize=8)
    axes.set_ylim(-0.03, 1.03)
    axes.set_ylabel("share of points earned")
    axes.set_title("box: quartiles; line: median; triangle: mean; dots: trainees", fontsize=8)
    return _mark(figure, cohort.demonstration, title)


def plot_item_quality(cohort: Cohort) -> Figure:
    """Facility against discrimination for every item, the healthy region shaded, flagged items named."""
    title = "Question quality: facility against discrimination"
    items = cohort.items.dropna(subset=["facility", "discrimination"]) if len(cohort.items) else cohort.items
    if items.empty:
        return _empty(title, "No item has been graded for two or more trainees yet.", cohort.demonstration)
    ranges = cohort.ranges
    figure = Figure(figsize=(9, 6))
    axes = figure.subplots()
    axes.add_patch(Rectangle((ranges.min_facility, ranges.min_discrimination),
                             ranges.max_facility - ranges.min_facility, 1 - ranges.min_discrimination,
                             facecolor="#55a868", alpha=0.12, edgecolor="#55a868", label="healthy range"))
    for value in (ranges.min_facility, ranges.max_facility):
        axes.axvline(value, color="grey", linestyle="--", linewidth=0.8)
    axes.axhline(ranges.min_discrimination, color="grey", linestyle="--", linewidth=0.8)
    for number, (assignment, rows) in enumerate(items.groupby("assignment", sort=False)):
        axes.scatter(rows["facility"], rows["discrimination"], marker=MARKERS[number % len(MARKERS)],
                     s=36, alpha=0.75, label=assignment)
    for row in items.loc[items["flags"] != ""].itertuples():
        axes.annotate(row.item, (row.facility, row.discrimination), fontsize=7, xytext=(4, 3),
                      textcoords="offset points")
    axes.set_xlim(-0.03, 1.03)
    axes.set_ylim(min(-0.5, float(items["discrimination"].min()) - 0.05), 1.03)
    axes.set_xlabel(f"facility index (share of points earned); healthy {ranges.min_facility:g} to "
                    f"{ranges.max_facility:g}")
    axes.set_ylabel(f"discrimination index (correlation with rest of test); healthy from "
                    f"{ranges.min_discrimination:g}")
    axes.legend(loc="lower left", fontsize=8)
    return _mark(figure, cohort.demonstration, title)


def flagged_items(cohort: Cohort) -> pd.DataFrame:
    """The items outside the healthy ranges, worst discrimination first, for a table under the plot."""
    columns = ["assignment", "item", "domain", "trainees", "facility", "discrimination",
               "discriminative_efficiency", "flags"]
    if cohort.items.empty:
        return pd.DataFrame(columns=columns)
    flagged = cohort.items.loc[cohort.items["flags"] != "", columns]
    return flagged.sort_values("discrimination", na_position="first").round(3).reset_index(drop=True)


def plot_renewal_pipeline(cohort: Cohort) -> Figure:
    """How many coaches stand at each renewal status, in the order a coach meets them."""
    title = "Renewal pipeline (certification office)"
    if cohort.renewal.empty:
        return _empty(title, "No coaches in the renewal data.", cohort.renewal_demonstration, "coaches")
    counts = cohort.renewal["status"].value_counts()
    order = [s for s in RENEWAL_PIPELINE if s in counts.index] + sorted(set(counts.index) - set(RENEWAL_PIPELINE))
    counts = counts.reindex(order)
    figure = Figure(figsize=(9, 4))
    axes = figure.subplots()
    hatches = ("", "..", "//", "\\\\", "xx", "oo", "--", "++", "**")
    bars = axes.bar(range(len(counts)), counts.to_numpy(), color="#4c72b0", edgecolor="black")
    for bar, hatch in zip(bars, hatches * 2):
        bar.set_hatch(hatch)
    axes.bar_label(bars, fontsize=8)
    axes.set_xticks(range(len(counts)), [s.replace("_", " ") for s in counts.index], rotation=20, ha="right")
    axes.set_ylabel(f"coaches (of {len(cohort.renewal)})")
    axes.set_title(cohort.renewal_source, fontsize=8)
    axes.yaxis.get_major_locator().set_params(integer=True)
    return _mark(figure, cohort.renewal_demonstration, title, "coaches")
