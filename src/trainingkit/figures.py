"""Figures drawn in lessons, each with its text alternative. matplotlib is imported only when a figure is drawn."""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta


@dataclass(frozen=True)
class Picture:
    """A PNG picture with its text alternative, shown as an ``<img>`` that carries ``alt``.

    JupyterLab draws ``image/png`` output without any alt text, so the picture goes out as
    HTML (its ``data:`` address survives JupyterLab's sanitiser); ``alt`` is escaped.
    """

    png: bytes = field(repr=False)
    alt: str

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        source = base64.b64encode(self.png).decode("ascii")
        return {"text/html": f'<img src="data:image/png;base64,{source}" alt="{html.escape(self.alt)}">',
                "text/plain": self.alt}


def renewal_timeline(certified_on: date = date(2025, 4, 10)) -> Any:
    """One example coach's two-year cycle: window, expiry, six months, then supervision."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

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
    figure = Figure(figsize=(10, 3.6))
    axes = figure.add_subplot()
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
    alt = (f"An example renewal cycle. Certified on {certified_on:%d %B %Y}. The renewal window opens on "
           f"{window_opens:%d %B %Y}: take the review course. The certification expires on "
           f"{expires_on:%d %B %Y}; it is then lapsed, with six months to renew, until {grace_ends:%d %B %Y}. "
           "After that, six hours of one-to-one supervision are needed as well.")
    from IPython.display import display

    png = io.BytesIO()
    FigureCanvasAgg(figure).print_png(png)  # no pyplot: no global backend, no window left open
    display(Picture(png.getvalue(), alt))
    return None
