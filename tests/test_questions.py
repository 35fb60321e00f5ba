"""Question widgets: answered by clicking, saved at once, restored on the next visit."""

import subprocess
import sys
from pathlib import Path


from trainingkit.answers import read_answers
from trainingkit.questions import knowledge_check, multiple_select, reflection, single_choice

OPTIONS = {"a": "Refer", "b": "Continue", "c": "Stop"}


def _find(widget, cls):
    found = []
    stack = [widget]
    while stack:
        current = stack.pop()
        if isinstance(current, cls):
            found.append(current)
        stack.extend(getattr(current, "children", ()))
    return found


def test_choosing_an_option_saves_it_and_says_so(tmp_path: Path) -> None:
    """Clicking a radio option saves its id and shows a 'Saved' confirmation."""
    import ipywidgets

    widget = single_choice("scope-001", question="What next?", options=OPTIONS, folder=tmp_path)
    (radio,) = _find(widget, ipywidgets.RadioButtons)
    radio.index = 2
    assert read_answers(tmp_path / "answers.json")["scope-001"].value == "c"
    assert any("Saved at" in w.value for w in _find(widget, ipywidgets.HTML))


def test_a_saved_choice_comes_back_on_the_next_visit(tmp_path: Path) -> None:
    """A new widget (after a restart or reload) shows the answer saved before."""
    import ipywidgets

    first = single_choice("scope-001", question="q", options=OPTIONS, folder=tmp_path)
    _find(first, ipywidgets.RadioButtons)[0].index = 1
    again = single_choice("scope-001", question="q", options=OPTIONS, folder=tmp_path)
    assert _find(again, ipywidgets.RadioButtons)[0].index == 1


def test_ticking_boxes_saves_the_sorted_selection(tmp_path: Path) -> None:
    """Ticking check boxes saves every ticked option id, and unticking removes it."""
    import ipywidgets

    widget = multiple_select("scope-002", question="q", options=OPTIONS, folder=tmp_path)
    boxes = _find(widget, ipywidgets.Checkbox)
    boxes_by_label = {b.description[0].lower(): b for b in boxes}
    boxes_by_label["c"].value = True
    boxes_by_label["a"].value = True
    assert read_answers(tmp_path / "answers.json")["scope-002"].value == ["a", "c"]
    boxes_by_label["c"].value = False
    assert read_answers(tmp_path / "answers.json")["scope-002"].value == ["a"]
    again = multiple_select("scope-002", question="q", options=OPTIONS, folder=tmp_path)
    assert [b.value for b in _find(again, ipywidgets.Checkbox)].count(True) == 1


def test_typing_a_reflection_saves_it(tmp_path: Path) -> None:
    """Text typed in a reflection box is saved and shown again next time."""
    import ipywidgets

    widget = reflection("scope-020", question="Reflect", folder=tmp_path)
    (box,) = _find(widget, ipywidgets.Textarea)
    box.value = "I would seek supervision first."
    again = reflection("scope-020", question="Reflect", folder=tmp_path)
    assert _find(again, ipywidgets.Textarea)[0].value == "I would seek supervision first."


def test_a_reflection_past_the_limit_is_cut_and_the_trainee_told(tmp_path: Path) -> None:
    """Text past the reflection limit is not saved, and the widget says so."""
    import ipywidgets

    from trainingkit.answers import MAX_REFLECTION_CHARS

    widget = reflection("scope-020", question="Reflect", folder=tmp_path)
    _find(widget, ipywidgets.Textarea)[0].value = "x" * (MAX_REFLECTION_CHARS + 10)
    assert len(read_answers(tmp_path / "answers.json")["scope-020"].value) == MAX_REFLECTION_CHARS
    assert any("not saved" in w.value for w in _find(widget, ipywidgets.HTML))


def test_a_corrupt_answers_file_is_explained_on_screen(tmp_path: Path) -> None:
    """When the answers file cannot be read, the widget says so instead of failing."""
    import ipywidgets

    (tmp_path / "answers.json").write_text("{broken")
    widget = single_choice("scope-001", question="q", options=OPTIONS, folder=tmp_path)
    assert any("could not be read" in w.value for w in _find(widget, ipywidgets.HTML))


def test_a_knowledge_check_gives_feedback_on_the_choice(tmp_path: Path) -> None:
    """Pressing 'Check my answer' shows the feedback written for the chosen option."""
    import ipywidgets

    widget = knowledge_check("l00-c9", question="q", folder=tmp_path, options=[
        {"text": "One", "correct": False, "feedback": "Kind words about one."},
        {"text": "Two", "correct": True, "feedback": "Two is right because."},
    ])
    _find(widget, ipywidgets.RadioButtons)[0].index = 1
    (button,) = _find(widget, ipywidgets.Button)
    button.click()
    feedback = [w for w in _find(widget, ipywidgets.HTML) if "tk-feedback" in w._dom_classes][0]
    assert "That is right" in feedback.value and "Two is right because." in feedback.value


def test_importing_trainingkit_questions_does_not_import_pandas_or_matplotlib() -> None:
    """A trainee's kernel importing the widgets stays light: no pandas, no matplotlib."""
    code = ("import sys, trainingkit, trainingkit.questions, trainingkit.answers; "
            "print(sorted(m for m in ('pandas', 'matplotlib') if m in sys.modules))")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "[]"


def test_a_reopened_question_shows_when_its_answer_was_saved(tmp_path: Path) -> None:
    """Drawn again, a question says the time its answer was saved, not just 'an earlier visit'."""
    import ipywidgets

    from trainingkit.answers import save_answer

    answer = save_answer(tmp_path / "answers.json", "scope-001", "a")
    widget = single_choice("scope-001", question="q", options=OPTIONS, folder=tmp_path)
    status = [w for w in _find(widget, ipywidgets.HTML) if "tk-status" in w._dom_classes][0]
    assert f"Saved at {answer.saved_at[11:19]}" in status.value


def test_a_saved_time_reads_as_a_time_today_and_a_date_before() -> None:
    """Today's saves show the time; older ones the date and time; an unreadable stamp stays vague."""
    from trainingkit.questions import saved_label

    assert saved_label("2026-11-29T21:31:33+0000", today="2026-11-29") == "21:31:33"
    assert saved_label("2026-11-02T08:05:00+0000", today="2026-11-29") == "2 Nov 2026, 08:05"
    assert saved_label("yesterday", today="2026-11-29") == "an earlier visit"


def test_a_question_printed_above_its_box_names_the_box_for_screen_readers_only(tmp_path: Path) -> None:
    """With question_shown=False the prompt stays in the page (the box's accessible name) but is visually hidden."""
    import ipywidgets

    for make in (lambda **kw: single_choice("q1", options=OPTIONS, **kw),
                 lambda **kw: multiple_select("q2", options=OPTIONS, **kw),
                 lambda **kw: reflection("q3", **kw)):
        shown, quiet = (make(question="What next?", folder=tmp_path, question_shown=flag) for flag in (True, False))
        (shown_prompt,) = [w for w in _find(shown, ipywidgets.HTML) if "tk-prompt" in w.value]
        (quiet_prompt,) = [w for w in _find(quiet, ipywidgets.HTML) if "tk-prompt" in w.value]
        assert "What next?" in quiet_prompt.value and "tk-visually-hidden" in quiet_prompt._dom_classes
        assert "tk-visually-hidden" not in shown_prompt._dom_classes


def test_assignment_boxes_do_not_repeat_the_question_printed_above_them() -> None:
    from trainingkit.bank import load_bank
    from trainingkit.render.assignment import _widget_source
    from tests.conftest import PROJECT

    vignette = next(iter(load_bank(PROJECT / "coursework" / "bank").values()))
    assert "question_shown=False" in _widget_source(vignette)



def test_a_reflection_that_would_overfill_the_answers_file_is_refused_and_the_trainee_told_which(tmp_path: Path) -> None:
    """Past the answers file's size limit, the reflection is not saved, the file is unchanged, and the widget names the answer to shorten."""
    import ipywidgets

    from trainingkit.answers import MAX_ANSWERS_BYTES, MAX_REFLECTION_CHARS, save_answer

    path = tmp_path / "answers.json"
    for number in range(49):
        save_answer(path, f"scope-{number:03d}", "x" * MAX_REFLECTION_CHARS)
    widget = reflection("scope-099", question="Reflect", folder=tmp_path)
    (box,) = _find(widget, ipywidgets.Textarea)
    box.value = "A first thought."
    room = MAX_ANSWERS_BYTES - path.stat().st_size + len("A first thought.")
    status = [w for w in _find(widget, ipywidgets.HTML) if "tk-status" in w._dom_classes][0]
    box.value = "y" * room
    assert path.stat().st_size == MAX_ANSWERS_BYTES and "Saved at" in status.value
    before = path.read_bytes()
    box.value = "y" * (room + 1)
    assert path.read_bytes() == before
    assert "(scope-099) was not saved" in status.value and "by at least 1 characters" in status.value


def test_case_parts_are_revealed_in_order_and_kept_on_reload_in_a_real_kernel(tmp_path: Path) -> None:
    """In a running kernel, part 2 is hidden until part 1 is answered, part 1 locks once part 2 is,
    and widgets drawn again from the answers file (a reload) show the same state."""
    import json

    from jupyter_client.manager import start_new_kernel

    code = f"""
import json, ipywidgets
from trainingkit.questions import single_choice
folder, options = {str(tmp_path)!r}, {{"a": "Ring the line", "b": "Wait"}}
def parts():
    return (single_choice("p1", question="Q1", options=options, folder=folder, followed_by="p2"),
            single_choice("p2", question="Q2", options=options, folder=folder, follows="p1"))
def radio(widget):
    stack = [widget]
    while stack:
        current = stack.pop()
        if isinstance(current, ipywidgets.RadioButtons):
            return current
        stack.extend(getattr(current, "children", ()))
states = []
def note(one, two):
    waiting, box = two.children
    states.append([box.layout.display, waiting.layout.display, radio(one).disabled])
one, two = parts(); note(one, two)
radio(one).index = 0; note(one, two)
radio(two).index = 1; note(one, two)
one, two = parts(); note(one, two)
print("STATES" + json.dumps(states))
"""
    manager, client = start_new_kernel(kernel_name="python3")
    printed: list[str] = []
    try:
        reply = client.execute_interactive(code, timeout=120, output_hook=lambda message: printed.append(
            message["content"].get("text", "") if message["msg_type"] == "stream" else ""))
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "ok", reply["content"]
    states = json.loads("".join(printed).split("STATES", 1)[1])
    assert states == [["none", None, False], [None, "none", False], [None, "none", True], [None, "none", True]]
    assert {k: v.value for k, v in read_answers(tmp_path / "answers.json").items()} == {"p1": "a", "p2": "b"}


def test_a_wrong_check_says_plainly_it_is_not_the_best_answer() -> None:
    """A wrong choice is told it is not the best answer; a half-right one that it is partly right."""
    from trainingkit.questions import check_verdict

    assert check_verdict({"a"}, {"b"}).startswith("That is not the best answer.")
    assert check_verdict({"a", "b"}, {"b", "c"}).startswith("Partly right, but not the best answer yet")
    assert check_verdict({"b"}, {"b"}) == "That is right."


def test_a_checked_answer_comes_back_with_its_explanation(tmp_path: Path) -> None:
    """Reopening a lesson shows the explanation of the answer given before, without pressing the button again."""
    import ipywidgets

    options = [{"text": "One", "correct": False, "feedback": "Kind words about one."},
               {"text": "Two", "correct": True, "feedback": "Two is right because."}]
    first = knowledge_check("l00-c9", question="q", folder=tmp_path, options=options)
    _find(first, ipywidgets.RadioButtons)[0].index = 0
    again = knowledge_check("l00-c9", question="q", folder=tmp_path, options=options)
    feedback = [w for w in _find(again, ipywidgets.HTML) if "tk-feedback" in w._dom_classes][0]
    assert "That is not the best answer" in feedback.value and "Kind words about one." in feedback.value
    fresh = knowledge_check("l00-c8", question="q", folder=tmp_path, options=options)
    assert [w for w in _find(fresh, ipywidgets.HTML) if "tk-feedback" in w._dom_classes][0].value == ""


def test_a_reflection_counts_its_words_as_the_trainee_types(tmp_path: Path) -> None:
    """The line under a reflection gives its number of words, updated with every change."""
    import ipywidgets

    widget = reflection("scope-900", question="q", folder=tmp_path)
    count = [w for w in _find(widget, ipywidgets.HTML) if "tk-word-count" in w._dom_classes][0]
    assert "0 words" in count.value
    _find(widget, ipywidgets.Textarea)[0].value = "I would  pause\nand ask first."
    assert "6 words" in count.value
    _find(widget, ipywidgets.Textarea)[0].value = "Pause."
    assert "1 word<" in count.value


def test_an_empty_reflection_says_it_is_saved_as_the_trainee_writes(tmp_path: Path) -> None:
    """A reflection's line before anything is written speaks of writing, not of choosing."""
    import ipywidgets

    widget = reflection("refl-001", question="What did you notice?", folder=tmp_path)
    lines = " ".join(w.value for w in _find(widget, ipywidgets.HTML))
    assert "saved as you write" in lines and "choose" not in lines
