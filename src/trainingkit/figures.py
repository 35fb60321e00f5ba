"""Figures drawn in lessons. matplotlib is imported only when a figure is drawn."""

from __future__ import annotations

from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta


def renewal_timeline(certified_on: date = date(2025, 4, 10)) -> Any:
    """One example coach's two-year cycle: window, expiry, six months, then supervision."""
    import matplotlib.pyplot as plt

    expires_on = certified_on + relativedelta(years=2)
    window_opens = expires_on - relativedelta(days=90)
    grace_ends = expires_on + relativedelta(months=6)
    after = grace_ends + relativedelta(months=6)
    bands = [
        (certified_on, window_opens, "Certified", "#4c72b0", ""),
        (window_opens, expires_on, "Renewal window:\ntake the review course", "#55a868", "//"),
        (expires_on, grace_ends, "Lapsed: six months\nto renew", "#dd8452", ".."),
        (grace_ends, after, "Six hours of one-to-one\nsupervision needed", "#c44e52", "xx"),
    ]
    figure, axes = plt.subplots(figsize=(10, 3.6))
    for start, end, label, colour, hatch in bands:
        axes.barh(0, (end - start).days, left=start.toordinal(), color=colour, hatch=hatch,
                  edgecolor="black", height=0.5, label=label.replace("\n", " "))
    ticks = [certified_on, window_opens, expires_on, grace_ends]
    names = ["certified", "window opens", "expires", "six months end"]
    axes.set_xticks([d.toordinal() for d in ticks],
                    [("\n\n" if n % 2 else "") + f"{d:%d %b %Y}\n{name}"
                     for n, (d, name) in enumerate(zip(ticks, names))], fontsize=8)
    axes.set_yticks([])
    axes.set_ylim(-0.5, 0.5)
    figure.legend(loc="lower center", ncol=2, fontsize=8, frameon=False)
    axes.set_title("An example renewal cycle (each stage has its own pattern and label)")
    figure.subplots_adjust(left=0.05, right=0.97, top=0.88, bottom=0.45)
    plt.show()
    return None
