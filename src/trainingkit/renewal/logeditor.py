"""The office's event log as a grid it edits in its notebook: plain, labelled ipywidgets.

:class:`LogEditor` draws the log a page at a time (:data:`PAGE_ROWS` lines), narrowed by a coach
id and an event, above a form that adds an event and the *Save the log* and *Reload* buttons.
Every cell is a text box whose accessible name is its column and line (``score, line 12``), so
the grid works with the keyboard (Tab, Shift+Tab) and a screen reader, and whatever the log holds
is shown as a box's value, never as HTML. Nothing is written until *Save*: then every row is
checked by the log's own reader (:func:`.logrows.check_rows`), and a problem is said in one line
naming the line and column, with nothing written; a good log replaces the file in one rename, with
its permissions and owner (:func:`.logsave.replace_log`). A log changed on disk since the grid
read it is not overwritten: the grid says so, and *Reload* reads it again, keeping the office's
edits to lines nobody else changed (:func:`.logrows.rebase`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape
from pathlib import Path

import ipywidgets as widgets

from .eventlog import EventLogError
from .events import EVENT_COLUMNS, Decision, Event, EventKind, Verdict
from .logrows import LogRow, Rebased, check_rows, log_bytes, matching, rebase, row_lines, rows_of
from .logsave import LogChanged, read_log, replace_log
from .settings import DEFAULT_RULES, RenewalRules

__all__ = ["BROWSER_SUPPORT", "PAGE_ROWS", "STYLES", "LogEditor"]

#: How many lines of the log one page of the grid shows.
PAGE_ROWS = 15

#: Column widths: the whole grid fits a notebook's output area beside JupyterLab's file browser.
_WIDTHS = {"coach_id": "6em", "date": "7.5em", "event": "7em", "supervisor": "6.5em", "hours": "3.5em",
           "score": "4em", "outcome": "6.5em", "cut_score": "5em", "form": "5em"}
_GRID_COLUMNS = "6.5em " + " ".join(_WIDTHS.values())
_CHOICES = {"event": [str(kind) for kind in EventKind],
            "outcome": [str(value) for value in (*Verdict, *Decision)]}
_EVERY_EVENT = "every event"


#: Runs in the browser: keeps the keys pressed inside a grid from JupyterLab's notebook shortcuts
#: (Enter on a button would open the hidden code, the arrows would move to another cell), as
#: :data:`trainingkit.questions.BROWSER_SUPPORT` does for questions; Escape and keys with Ctrl, Alt
#: or Meta still reach JupyterLab. It makes the message under the buttons a status region
#: (``role=status``), one element that stays while its words change, so a screen reader says
#: what a save did. The styles give the boxes and buttons a 2 px focus ring in the
#: theme's darkest brand colour, and keep the output carrying them from taking room on the page.
BROWSER_SUPPORT = """
(() => {
  const keep = (event) => {
    if (!event.ctrlKey && !event.metaKey && !event.altKey && event.key !== "Escape") { event.stopPropagation(); }
  };
  const scan = () => {
    document.querySelectorAll(".tk-log-editor:not([data-tk-keys])").forEach((editor) => {
      editor.dataset.tkKeys = "1";
      editor.addEventListener("keydown", keep);
    });
    document.querySelectorAll(".tk-log-status:not([role])").forEach((status) => status.setAttribute("role", "status"));
  };
  if (!window.trainingkitLogGrid) {
    window.trainingkitLogGrid = new MutationObserver(scan);
    window.trainingkitLogGrid.observe(document.body, { childList: true, subtree: true });
  }
  scan();
})();
"""
STYLES = """
.tk-log-editor :is(input, .jupyter-button):focus-visible:not(:disabled) {
  outline: 2px solid var(--jp-brand-color0) !important; outline-offset: 1px; }
.tk-log-editor .tk-log-message { margin: 0.25em 0; white-space: normal; }
.jp-OutputArea-child:has(.tk-log-support) { display: none; }
"""


def _box(column: str, label: str, layout: widgets.Layout) -> widgets.Text | widgets.Combobox:
    """One cell: a text box (with the choices of its column, if it has any) named ``label``.

    The boxes of a line share ``layout``, so a line is hidden or shown by one change.
    """
    options = {"description": label, "continuous_update": True, "style": {"description_width": "0px"},
               "layout": layout}
    if column in _CHOICES:
        box = widgets.Combobox(options=_CHOICES[column], ensure_option=False, **options)
    else:
        box = widgets.Text(**options)
    box.add_class("tk-log-cell")
    box.add_class(f"tk-log-{column}")
    return box


def _header() -> list[widgets.Label]:
    return [widgets.Label(name) for name in ("line", *EVENT_COLUMNS)]


class LogEditor:
    """The grid of the event log at ``path``, with the results register's ``reviews`` for the check.

    ``widget`` is what the notebook shows. ``rows`` are the rows as edited, ``loaded`` as read.
    """

    def __init__(self, path: str | Path, *, reviews: Sequence[Event] = (),
                 rules: RenewalRules = DEFAULT_RULES) -> None:
        self.path = Path(path)
        self.reviews = tuple(reviews)
        self.rules = rules
        self.loaded: tuple[LogRow, ...] = ()
        self.rows: list[LogRow] = []
        self._data: bytes | None = None
        self._shown: list[int] = []
        self._page = 0
        self._drawing = False

        self.coach_filter = widgets.Text(description="Coach id contains", placeholder="any coach",
                                         continuous_update=True, style={"description_width": "initial"})
        self.event_filter = widgets.Dropdown(description="Event", options=[_EVERY_EVENT, *_CHOICES["event"]],
                                             style={"description_width": "initial"})
        self.previous_button = widgets.Button(description="Previous page", tooltip="Previous page of the log")
        self.next_button = widgets.Button(description="Next page", tooltip="Next page of the log")
        self.place = widgets.Label()
        new_layout = widgets.Layout(width="auto", margin="0")
        self.new_row = {column: _box(column, f"{column} of the new event", new_layout) for column in EVENT_COLUMNS}
        self.add_button = widgets.Button(description="Add this event", tooltip="Add this event to the grid")
        self.save_button = widgets.Button(description="Save the log", button_style="primary",
                                          tooltip="Check every line and save the log")
        self.reload_button = widgets.Button(description="Reload from disk",
                                            tooltip="Read the log again, keeping your changes")
        self.message = widgets.HTML()
        self.message.add_class("tk-log-status")
        self.said = ""
        self._layouts = [widgets.Layout(width="auto", margin="0") for _ in range(PAGE_ROWS)]
        self.line_labels = [widgets.Label(layout=layout) for layout in self._layouts]
        self.cells = [{column: _box(column, column, layout) for column in EVENT_COLUMNS} for layout in self._layouts]
        for slot, cells in enumerate(self.cells):
            for column, box in cells.items():
                box.observe(self._edited(slot, column), names="value")
        self.coach_filter.observe(self._refilter, names="value")
        self.event_filter.observe(self._refilter, names="value")
        self.previous_button.on_click(lambda _: self._turn(-1))
        self.next_button.on_click(lambda _: self._turn(1))
        self.add_button.on_click(lambda _: self.add())
        self.save_button.on_click(lambda _: self.save())
        self.reload_button.on_click(lambda _: self.reload())

        grid_layout = widgets.Layout(grid_template_columns=_GRID_COLUMNS, grid_gap="2px 4px", width="auto")
        self.grid = widgets.GridBox(
            [*_header(), *[part for label, cells in zip(self.line_labels, self.cells, strict=True)
                           for part in (label, *cells.values())]], layout=grid_layout)
        self.grid.add_class("tk-log-grid")
        adding = widgets.GridBox([*_header()[1:], *self.new_row.values()],
                                 layout=widgets.Layout(grid_template_columns=_GRID_COLUMNS.split(" ", 1)[1],
                                                       grid_gap="2px 4px", width="auto"))
        self.widget = widgets.VBox([
            widgets.HBox([self.coach_filter, self.event_filter]),
            widgets.Label("A new event (it joins the grid; nothing is saved until Save the log):"),
            adding,
            widgets.HBox([self.add_button, self.save_button, self.reload_button]),
            self.message,
            widgets.HBox([self.previous_button, self.next_button, self.place]),
            self.grid,
        ])
        self.widget.add_class("tk-log-editor")
        self.reload(keep_edits=False)

    def _ipython_display_(self) -> None:
        from IPython.display import HTML, display

        display(self.widget)
        display(HTML(f"<div class='tk-log-support'><style>{STYLES}</style><script>{BROWSER_SUPPORT}</script></div>"))

    # -- what the office sees -------------------------------------------------------------

    def _say(self, text: str) -> None:
        """Show ``text`` under the buttons, as text (escaped), announced politely."""
        self.said = text
        self.message.value = f'<p class="tk-log-message">{escape(text)}</p>'

    def _line(self, index: int) -> int:
        return row_lines(self.rows[: index + 1])[-1]

    def _draw(self) -> None:
        """Show the page ``_page`` of the rows the filters match."""
        pages = max(1, -(-len(self._shown) // PAGE_ROWS))
        self._page = min(max(self._page, 0), pages - 1)
        first = self._page * PAGE_ROWS
        page = self._shown[first: first + PAGE_ROWS]
        lines = row_lines(self.rows)
        self._drawing = True
        try:
            for slot, (label, cells) in enumerate(zip(self.line_labels, self.cells, strict=True)):
                shown = slot < len(page)
                self._layouts[slot].display = None if shown else "none"
                if not shown:  # an unused box (hidden) names no line, so no line is ever named twice
                    for column, box in cells.items():
                        box.description, box.value = f"{column}, unused", ""
                    continue
                index = page[slot]
                row = self.rows[index]
                label.value = self._label(index, lines[index])
                for column, box in cells.items():
                    box.value = getattr(row, column)
                    box.description = f"{column}, line {lines[index]}"
        finally:
            self._drawing = False
        total = len(self.rows)
        if not self._shown:
            self.place.value = f"No line matches (the log has {total})." if total else "The log has no lines yet."
        else:
            self.place.value = (f"Lines shown: {len(page)} of {len(self._shown)} matching, page {self._page + 1} "
                                f"of {pages} (the log has {total}).")
        self.previous_button.disabled = self._page == 0
        self.next_button.disabled = self._page >= pages - 1

    def _label(self, index: int, line: int) -> str:
        if index >= len(self.loaded):
            return f"{line} (new)"
        return f"{line} (changed)" if self.rows[index] != self.loaded[index] else str(line)

    def _refilter(self, _change: object = None) -> None:
        event = self.event_filter.value
        self._shown = matching(self.rows, coach=self.coach_filter.value,
                               event="" if event == _EVERY_EVENT else event)
        self._page = 0
        self._draw()

    def _turn(self, pages: int) -> None:
        self._page += pages
        self._draw()

    def _edited(self, slot: int, column: str):  # type: ignore[no-untyped-def]
        def changed(change: dict) -> None:  # type: ignore[type-arg]
            if self._drawing:
                return
            index = self._shown[self._page * PAGE_ROWS + slot]
            self.rows[index] = self.rows[index].with_value(column, change["new"])
            self.line_labels[slot].value = self._label(index, self._line(index))
        return changed

    # -- what the buttons do ---------------------------------------------------------------

    def add(self) -> None:
        """Add the new event's row to the grid, after checking that line on its own; clear the form."""
        row = LogRow(**{column: box.value.strip() for column, box in self.new_row.items()})
        if row.blank:
            self._say("Nothing to add: fill in the new event's coach_id, date, event and what that event needs.")
            return
        problem = check_rows(self.path, [row], across_lines=False)
        if problem is not None:
            column = f"column {problem.column}: " if problem.column else ""
            self._say(f"Not added: {column}{problem.message}. Correct it in the new event's boxes and press "
                      "Add this event again.")
            return
        self.rows.append(row)
        for box in self.new_row.values():
            box.value = ""
        self.coach_filter.value = row.coach_id
        self.event_filter.value = _EVERY_EVENT
        self._refilter()
        self._page = len(self._shown)  # the last page, where the new line is
        self._draw()
        self._say(f"Added as line {self._line(len(self.rows) - 1)}, not saved yet: press Save the log.")

    def save(self) -> bool:
        """Check every row and, if all is well and the file is as loaded, replace the log; say what happened."""
        if self.rows == list(self.loaded) and self._data is not None:
            self._say("Nothing to save: no line was changed or added.")
            return False
        problem = check_rows(self.path, self.rows, reviews=self.reviews, rules=self.rules)
        if problem is not None:
            self._say(f"Not saved, nothing was written: {self.path.name}, {problem.sentence(self.rows)}.")
            return False
        data = log_bytes(self.rows)
        try:
            replace_log(self.path, data, expected=self._data)
        except LogChanged:
            self._say(f"Not saved, nothing was written: {self.path.name} was changed on disk since this grid read "
                      "it (by another window, a command or the course). Press Reload from disk: it reads the "
                      "log again and keeps your changes to the lines nobody else changed.")
            return False
        except OSError as error:
            self._say(f"Not saved, nothing was written: {self.path}: {error.strerror}.")
            return False
        changed = sum(1 for old, new in zip(self.loaded, self.rows) if old != new)
        added = len(self.rows) - len(self.loaded)
        self._data, self.loaded = data, tuple(self.rows)
        self._draw()
        self._say(f"Saved {self.path.name} at {datetime.now():%H:%M:%S}: {changed} line(s) changed, {added} added. "
                  "Choose Run ▸ Run All Cells to see them in the tables below.")
        return True

    def reload(self, *, keep_edits: bool = True) -> None:
        """Read the log again; carry over the edits to lines nobody else changed and say which are dropped."""
        data = read_log(self.path)
        try:
            loaded = rows_of(self.path, data or b"")
        except EventLogError as error:
            self.loaded, self.rows, self._data = (), [], data
            self._refilter()
            self.save_button.disabled = True
            self._say(f"The grid cannot show this log: {error}. Correct it in the file first.".replace("\n", " "))
            return
        self.save_button.disabled = False
        rebased = (rebase(self.loaded, self.rows, loaded.rows) if keep_edits
                   else Rebased(loaded.rows, 0, ()))
        dropped = [row_lines(self.rows)[index] for index in rebased.dropped]
        self.loaded, self.rows, self._data = loaded.rows, list(rebased.rows), data
        self._refilter()
        said = [f"Read {self.path.name}: {len(self.loaded)} line(s)." if data is not None else
                f"No log at {self.path} yet: add its first event below and save to start it."]
        if keep_edits and (rebased.kept or dropped):
            said.append(f"{rebased.kept} change(s) of yours kept, not saved yet.")
        if dropped:
            said.append(f"Your changes to line(s) {', '.join(map(str, dropped))} were dropped: those lines "
                        "changed on disk meanwhile, so check them and make those changes again.")
        if loaded.note:
            said.append(f"Note: {loaded.note}.")
        self._say(" ".join(said))
