"""Question widgets a trainee answers by clicking and typing, never by editing code.

Each widget loads the trainee's saved answer, saves every change at once (see
:mod:`trainingkit.answers`) and says on screen when the answer was saved. Grading never
runs these cells: it reads the answers file (see :mod:`trainingkit.grading`).

ipywidgets draws plain form controls with no group names and lets JupyterLab's notebook
shortcuts take the arrow keys, so each question also displays :data:`BROWSER_SUPPORT`, a
small script that gives every question an accessible name and ordinary keyboard use.
JupyterLab runs scripts in output only when it trusts it: output the trainee has just
produced by running the notebook, or a notebook JupyterLab saved with such output.

The parts of a case set are revealed in order, as case-based licensing exams present them:
a part drawn with ``follows=`` (the part before it) stays hidden behind a short notice until
that part has an answer, and a part drawn with ``followed_by=`` (the part after it) is locked
once that part has an answer, so an answer cannot be revised after reading what came next.
Both are read from the answers file whenever a widget is drawn (a reload or a restart shows
the same state) and follow each save in the running kernel (:func:`_notify`).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from trainingkit.answers import (MAX_REFLECTION_CHARS, AnswersFileError, AnswersTooLong, AnswerValue,
                                 UnreadableAnswersFile, answers_path, bytes_over_limit, read_answers,
                                 save_answer)

#: Class names on every widget: steady hooks for styling and browser tests.
CSS_CLASS = "tk-question"

#: How long a trainee pauses typing before a reflection's save is announced (milliseconds).
ANNOUNCE_PAUSE_MS = 1500

#: Runs in the browser and watches for question widgets as they are drawn. For each one it
#: names the group of options by the question (``aria-labelledby``), or ties a reflection's
#: ``<label>`` to its text box; describes both by the hint and the "Saved at" line
#: (``aria-describedby``); gives a question's radio buttons one ``name``, so Tab stops once
#: and the arrow keys move between the options; announces a choice's "Saved at" line and a
#: check's feedback (``role=status``; not a reflection's, which saves at every key); names
#: "Check my answer" by its question; and keeps unmodified keys pressed inside a question
#: from JupyterLab's notebook shortcuts (the arrows would select another cell, Enter would
#: open the hidden code). A reflection gets a polite live region of its own, kept out of
#: sight, that repeats its "Saved at" line once the trainee has paused for
#: :data:`ANNOUNCE_PAUSE_MS` (so a screen reader hears that the text is saved, not every
#: key). A question it has finished is marked ``data-tk-ready``; one whose parts are not all
#: drawn yet is tried again at the next change of the page.
BROWSER_SUPPORT = """
(() => {
  if (window.trainingkitQuestions) { window.trainingkitQuestions.scan(); return; }
  const ANNOUNCE_PAUSE_MS = %d;
  let count = 0;
  const idOf = (element) => element.id || (element.id = `tk-question-part-${++count}`);
  const keepKeys = (event) => {
    if (!event.ctrlKey && !event.metaKey && !event.altKey && event.key !== "Escape") {
      event.stopPropagation();
    }
  };
  const enhance = (box) => {
    const prompt = box.querySelector(".tk-prompt");
    const status = box.querySelector(".tk-status");
    const control = box.querySelector(".tk-options, textarea");
    if (!prompt || !status || !control) { return false; }
    const typed = control.tagName === "TEXTAREA";
    if (!typed && !control.querySelector("input")) { return false; }
    if (!box.dataset.tkKeys) { box.dataset.tkKeys = "1"; box.addEventListener("keydown", keepKeys); }
    const hint = box.querySelector(".tk-hint");
    control.setAttribute("aria-describedby", [hint, status].filter(Boolean).map(idOf).join(" "));
    if (typed) {
      prompt.htmlFor = idOf(control);
      if (!box.querySelector(".tk-announce")) {
        const announce = document.createElement("p");
        announce.className = "tk-announce tk-visually-hidden";
        announce.setAttribute("role", "status");
        announce.setAttribute("aria-live", "polite");
        box.append(announce);
        let pause = null;
        new MutationObserver(() => {
          clearTimeout(pause);
          pause = setTimeout(() => { announce.textContent = status.textContent.trim(); }, ANNOUNCE_PAUSE_MS);
        }).observe(status, { childList: true, subtree: true, characterData: true });
      }
    } else {
      control.setAttribute("aria-labelledby", idOf(prompt));
      control.setAttribute("role", box.classList.contains("tk-single") ? "radiogroup" : "group");
      status.setAttribute("role", "status");
      control.querySelectorAll("input[type=radio]").forEach((radio) => { radio.name = `${prompt.id}-options`; });
    }
    if (box.classList.contains("tk-knowledge-check")) {
      const check = box.querySelector(".tk-check");
      const feedback = box.querySelector(".tk-feedback");
      if (!check || !feedback) { return false; }
      check.setAttribute("aria-label", `Check my answer: ${prompt.textContent.trim()}`);
      feedback.setAttribute("role", "status");
    }
    return true;
  };
  const scan = () => {
    document.querySelectorAll(".tk-question:not([data-tk-ready])").forEach((box) => {
      if (enhance(box)) { box.dataset.tkReady = "1"; }
    });
  };
  // A widget's parts can get their classes after they are attached (an attribute change, not
  // a new child), so class changes count too; one scan per frame however many changes come.
  let queued = false;
  const soon = () => {
    if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; scan(); }); }
  };
  new MutationObserver(soon).observe(document.body,
    { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });
  window.trainingkitQuestions = { scan };
  scan();
})();
""" % ANNOUNCE_PAUSE_MS


#: ``{question id: callbacks}`` run after that question's answer is saved in this kernel.
_SAVED: dict[str, list[Callable[[], None]]] = {}


def _on_saved(question_id: str, callback: Callable[[], None]) -> None:
    _SAVED.setdefault(question_id, []).append(callback)


def _notify(question_id: str) -> None:
    for callback in _SAVED.get(question_id, []):
        callback()


def _answered(question_id: str, path: Path) -> bool:
    """Whether the answers file holds an answer to ``question_id`` (an unreadable file holds none)."""
    return _load(question_id, path)[0] not in (None, "", [])


def _load(question_id: str, path: Path) -> tuple[AnswerValue | None, str, str]:
    """The saved answer for a question, when it was saved, and a note if the file could not be read."""
    try:
        answer = read_answers(path, limit=None).get(question_id)
    except UnreadableAnswersFile as error:
        return None, "", (f"Your answers file could not be read ({error}). It will be kept under a new "
                          "name when you answer, and nothing else is changed.")
    except AnswersFileError as error:
        return None, "", f"Your answers file could not be read ({error}). Please tell your supervisor."
    return (answer.value if answer else None), (saved_label(answer.saved_at) if answer else ""), ""


def saved_label(saved_at: str, today: str | None = None) -> str:
    """When an answer was saved, as the trainee reads it: the time today, else the date and time."""
    import datetime as dt

    try:
        when = dt.datetime.strptime(saved_at, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return "an earlier visit"
    if when.date().isoformat() == (today or dt.date.today().isoformat()):
        return when.strftime("%H:%M:%S")
    return f"{when.day} {when:%b %Y}, {when:%H:%M}"


#: A reflection's line before anything is written: it saves as the trainee types, not on a choice.
NOT_WRITTEN_YET = "Not answered yet. Your reflection is saved as you write."


def _status_text(saved_at: str | None, note: str = "", empty: str = "") -> str:
    if note:
        return f"<span class='tk-status-note'>&#9888; {html.escape(note)}</span>"
    if saved_at:
        return f"<span class='tk-status-saved'>&#10003; Saved at {html.escape(saved_at)}. Your answer is kept even if you close this page.</span>"
    return f"<span class='tk-status-empty'>{empty or 'Not answered yet. Your answer is saved as soon as you choose.'}</span>"


#: Styles of the widgets: a reflection is written in the page's own font, not in code's; an
#: option's words wrap onto as many lines as they need and its row grows with them (ipywidgets
#: keeps rows 20 px high and cuts a check box's words with "..."), each radio button and
#: check box is a 24 px target with room between rows (WCAG 2.2, 2.5.8); the text box and the
#: buttons show a 2 px focus ring in the theme's darkest brand colour (ipywidgets' light blue
#: is 2.2:1 on white, and it turns the text box's outline off with !important; 1.4.11 asks
#: 3:1); a question printed just above its box (in an
#: assignment) is kept for screen readers only; the output that carries these styles and
#: BROWSER_SUPPORT takes no room on the page.
STYLES = """
.tk-question textarea { font-family: var(--jp-content-font-family); font-size: var(--jp-content-font-size1); }
.tk-question :is(.widget-radio, .widget-checkbox, .widget-radio-box, .widget-radio-box label, .widget-checkbox label) {
  height: auto; max-width: 100%; white-space: normal; overflow: visible; text-overflow: clip; }
.tk-question .widget-radio-box { margin-bottom: 0; gap: 6px; }
.tk-question :is(.widget-radio-box label, .widget-checkbox label:has(input)) {
  display: flex; align-items: flex-start; gap: 8px; min-height: 24px; line-height: 24px; }
.tk-question :is(.widget-radio-box input, .widget-checkbox input[type=checkbox]) {
  flex: none; width: 24px; height: 24px; margin: 0; align-self: flex-start; }
.tk-question .tk-options > .widget-checkbox { width: auto; margin-bottom: 6px; }
.tk-question :is(textarea, .jupyter-button, input):focus-visible:not(:disabled) {
  outline: 2px solid var(--jp-brand-color0) !important; outline-offset: 2px; }
.jp-OutputArea-child:has(.tk-support) { display: none; }
.tk-visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
"""


def _browser_support() -> None:
    """Display :data:`BROWSER_SUPPORT` in the running notebook (nothing outside IPython)."""
    from IPython import get_ipython

    if get_ipython() is None:
        return
    from IPython.display import HTML, display

    display(HTML(f"<div class='tk-support'><style>{STYLES}</style><script>{BROWSER_SUPPORT}</script></div>"))


def _frame(question_id: str, question: str, control: Any, status: Any, kind: str,
           question_shown: bool = True) -> Any:
    import ipywidgets as widgets

    _browser_support()

    # A reflection's prompt is a <label>, tied to its text box in the browser; a choice's
    # prompt names its group of options there (see BROWSER_SUPPORT). Where the question is
    # already printed above the box, the prompt only names the box for screen readers.
    tag = "label" if kind == "reflection" else "span"
    prompt = widgets.HTML(f"<p><{tag} class='tk-prompt'><strong>{html.escape(question)}</strong></{tag}></p>")
    if not question_shown:
        prompt.add_class("tk-visually-hidden")  # the whole line, so it leaves no gap either
    box = widgets.VBox([prompt, control, status])
    for widget, name in ((box, CSS_CLASS), (box, f"tk-{kind}"), (box, f"tk-id-{question_id}"),
                         (status, "tk-status")):
        widget.add_class(name)
    return box


def _saver(question_id: str, path: Path, status: Any) -> Callable[[AnswerValue], bool]:
    """Save an answer and say so under the question; a save that fails says why (and returns False)."""
    def save(value: AnswerValue) -> bool:
        try:
            answer = save_answer(path, question_id, value)
        except AnswersTooLong as error:  # the trainee can fix this one: the message says how
            status.value = _status_text(None, str(error))
            return False
        except (OSError, AnswersFileError) as error:
            status.value = _status_text(None, f"Could not save: {error}. Please tell your supervisor.")
            return False
        over = bytes_over_limit(path)
        status.value = _status_text(answer.saved_at[11:19]) if not over else _status_text(None, (
            f"Saved, but your answers file is still {over:,} bytes longer than grading reads: "
            "please shorten your longest reflections."))
        _notify(question_id)
        return True
    return save


def single_choice(question_id: str, *, question: str, options: Mapping[str, str],
                  folder: Path | str | None = None, question_shown: bool = True,
                  follows: str | None = None, followed_by: str | None = None) -> Any:
    """One best answer, chosen with radio buttons (``follows``/``followed_by``: a case set's order)."""
    path = answers_path(folder)
    saved, saved_at, note = _load(question_id, path)
    import ipywidgets as widgets

    labels = [f"{key.upper()}) {text}" for key, text in options.items()]
    keys = list(options)
    index = keys.index(saved) if isinstance(saved, str) and saved in keys else None
    if saved is not None and index is None and not note:
        note = "Your saved answer does not match these options; please choose again."
    control = widgets.RadioButtons(options=labels, index=index, description="",
                                   layout=widgets.Layout(width="auto"))
    control.add_class("tk-options")
    status = widgets.HTML(_status_text(None, note))
    save = _saver(question_id, path, status)
    if index is not None:
        status.value = _status_text(saved_at)

    def on_change(change: dict[str, Any]) -> None:
        if change["new"] is not None:
            save(keys[change["new"]])

    control.observe(on_change, names="index")
    box = _frame(question_id, question, control, status, "single", question_shown)
    return _in_order(box, [control], path, follows, followed_by)


def multiple_select(question_id: str, *, question: str, options: Mapping[str, str],
                    folder: Path | str | None = None, question_shown: bool = True,
                    follows: str | None = None, followed_by: str | None = None) -> Any:
    """Every answer that applies, ticked with check boxes (``follows``/``followed_by``: a case set's order)."""
    path = answers_path(folder)
    saved, saved_at, note = _load(question_id, path)
    import ipywidgets as widgets

    chosen = set(saved) if isinstance(saved, list) else set()
    if saved is not None and not isinstance(saved, list) and not note:
        note = "Your saved answer does not match these options; please choose again."
    boxes = {key: widgets.Checkbox(value=key in chosen, description=f"{key.upper()}) {text}",
                                   indent=False, layout=widgets.Layout(width="auto"))
             for key, text in options.items()}
    control = widgets.VBox(list(boxes.values()))
    control.add_class("tk-options")
    hint = widgets.HTML("<p class='tk-hint'>Tick every answer that applies.</p>")
    status = widgets.HTML(_status_text(saved_at if chosen else None, note))
    save = _saver(question_id, path, status)

    def on_change(_: dict[str, Any]) -> None:
        save(sorted(key for key, box in boxes.items() if box.value))

    for box in boxes.values():
        box.observe(on_change, names="value")
    frame = _frame(question_id, question, widgets.VBox([hint, control]), status, "multiple", question_shown)
    return _in_order(frame, list(boxes.values()), path, follows, followed_by)


#: What a case part waiting for the part before it shows instead of its question.
WAITING = ("The next part of this case appears here once you have answered the part above. "
           "Take your time: nothing is timed.")
#: The line under a part whose answer is final because the next part has an answer.
LOCKED = "Your answer to this part is final: you have answered the next part of this case."


def _in_order(box: Any, controls: Sequence[Any], path: Path,
              follows: str | None, followed_by: str | None) -> Any:
    """``box`` shown once ``follows`` has an answer, its ``controls`` locked once ``followed_by`` has one.

    Without either, ``box`` itself; otherwise a container of a waiting notice and ``box``.
    """
    if follows is None and followed_by is None:
        return box
    import ipywidgets as widgets

    waiting = widgets.HTML(f"<p class='tk-waiting'><em>{html.escape(WAITING)}</em></p>")
    lock_note = widgets.HTML(f"<p class='tk-locked-note'>{html.escape(LOCKED)}</p>")
    lock_note.layout.display = "none"
    box.children = (*box.children, lock_note)
    part = widgets.VBox([waiting, box])
    part.add_class("tk-case-part")

    def reveal() -> None:
        waiting.layout.display = "none"
        box.layout.display = None
        part.remove_class("tk-hidden-part")

    def lock() -> None:
        for control in controls:
            control.disabled = True
        lock_note.layout.display = None
        box.add_class("tk-locked")

    if follows is not None and not _answered(follows, path):
        box.layout.display = "none"
        part.add_class("tk-hidden-part")
        _on_saved(follows, reveal)
    else:
        waiting.layout.display = "none"
    if followed_by is not None:
        if _answered(followed_by, path):
            lock()
        else:
            _on_saved(followed_by, lock)
    return part


def reflection(question_id: str, *, question: str, folder: Path | str | None = None,
               rows: int = 8, question_shown: bool = True) -> Any:
    """A written reflection, saved as the trainee types."""
    path = answers_path(folder)
    saved, saved_at, note = _load(question_id, path)
    import ipywidgets as widgets

    control = widgets.Textarea(value=saved if isinstance(saved, str) else "",
                               placeholder="Write your reflection here.", rows=rows,
                               description="", continuous_update=True,
                               layout=widgets.Layout(width="95%"))
    control.add_class("tk-text")
    status = widgets.HTML(_status_text(saved_at if saved else None, note, NOT_WRITTEN_YET))
    save = _saver(question_id, path, status)
    count = widgets.HTML(word_count_text(control.value))
    count.add_class("tk-word-count")

    def on_change(change: dict[str, Any]) -> None:
        count.value = word_count_text(change["new"])
        if save(change["new"]) and len(change["new"]) > MAX_REFLECTION_CHARS:
            status.value = _status_text(None, f"A reflection keeps its first {MAX_REFLECTION_CHARS:,} "
                                              "characters; the text after that is not saved.")

    control.observe(on_change, names="value")
    return _frame(question_id, question, widgets.VBox([control, count]), status, "reflection", question_shown)


def check_verdict(chosen: set[str], correct: set[str]) -> str:
    """What "Check my answer" says first: right, partly right, or plainly not the best answer."""
    if chosen == correct:
        return "That is right."
    if chosen & correct:
        return "Partly right, but not the best answer yet: have another look at the notes below."
    return "That is not the best answer. The notes below say why; have another look and try again."


def word_count_text(text: str) -> str:
    """The line under a reflection that counts its words, so "about 150 words" can be judged."""
    words = len(text.split())
    return f"<p class='tk-word-count'>{words} word{'s' if words != 1 else ''}</p>"


def knowledge_check(check_id: str, *, question: str, options: Sequence[Mapping[str, Any]],
                    multiple: bool = False, folder: Path | str | None = None) -> Any:
    """An ungraded check with instant, strengths-first feedback on the chosen option(s).

    ``options`` are mappings with ``text``, ``correct`` and ``feedback``.
    """
    letters = "abcdefgh"
    texts = {letters[number]: option["text"] for number, option in enumerate(options)}
    widget = (multiple_select if multiple else single_choice)(
        check_id, question=question, options=texts, folder=folder)
    if widget is None:
        return None
    import ipywidgets as widgets

    feedback = widgets.HTML()
    feedback.add_class("tk-feedback")
    button = widgets.Button(description="Check my answer", tooltip=f"Check my answer: {question}")
    button.add_class("tk-check")
    correct = {letters[number] for number, option in enumerate(options) if option["correct"]}

    def show(_: Any = None, *, quiet: bool = False) -> None:
        saved, _saved_at, _note = _load(check_id, answers_path(folder))
        chosen = set(saved) if isinstance(saved, list) else ({saved} if saved else set())
        if not chosen:
            if not quiet:
                feedback.value = "<p>Choose an answer first, then check it.</p>"
            return
        notes = "".join(
            f"<li><strong>{key.upper()})</strong> {html.escape(options[letters.index(key)]['feedback'])}</li>"
            for key in sorted(chosen))
        feedback.value = f"<p><strong>{check_verdict(chosen, correct)}</strong></p><ul>{notes}</ul>"

    button.on_click(show)
    show(quiet=True)  # an answer given on an earlier visit comes back with its explanation
    widget.children = (*widget.children, button, feedback)
    widget.add_class("tk-knowledge-check")
    return widget


def placeholder(text: str) -> Any:
    """A line of text where something will appear later (an assignment's feedback summary)."""
    import ipywidgets as widgets

    return widgets.HTML(f"<p class='tk-placeholder'><em>{html.escape(text)}</em></p>")
