"""The "change your password" page: the rules a new password must meet, and the page itself.
(It is used on a real hub in tests/hub/test_enrol.py.)"""

from __future__ import annotations

from trainingkit.hub.change_password import (
    LOCKOUT_SECONDS, MAX_FAILURES, MIN_LENGTH, locked_for, locked_message, page, password_problem)

GOOD = "a-long-new-secret"


def test_a_new_password_typed_twice_that_differs_from_the_old_one_is_accepted() -> None:
    """Old, new and the repeated new password, long enough and new, give no problem."""
    assert password_problem("old-secret", GOOD, GOOD) == ""


def test_each_broken_rule_is_named_in_words() -> None:
    """An empty field, a mismatch, a short, long or unchanged password, or a control character is refused, saying why."""
    assert "all three" in password_problem("", GOOD, GOOD)
    assert "differ" in password_problem("old-secret", GOOD, GOOD + "x")
    short = "x" * (MIN_LENGTH - 1)
    assert "too short" in password_problem("old-secret", short, short)
    assert "too long" in password_problem("old-secret", "x" * 200, "x" * 200)
    assert "control" in password_problem("old-secret", GOOD + "\n", GOOD + "\n")
    assert "same as the old" in password_problem(GOOD, GOOD, GOOD)


def test_the_page_escapes_the_name_and_the_message_and_never_shows_a_password() -> None:
    """What the page shows is escaped text; it has no field values to echo back."""
    shown = page("<b>ada</b>", '<input type="hidden" name="_xsrf" value="t">', "<script>x</script>")
    assert "<b>ada</b>" not in shown and "&lt;b&gt;ada&lt;/b&gt;" in shown
    assert "<script>" not in shown
    assert "value=" not in shown.replace('value="t"', "")


def test_the_page_checks_a_current_password_again_once_five_wrong_ones_are_a_quarter_hour_old() -> None:
    """Four wrong current passwords leave the page checking; the fifth stops it until the oldest of the five is
    fifteen minutes old; wrong ones older than that do not count."""
    wrong = [0.0, 10.0, 20.0, 30.0]
    assert locked_for(wrong, 40.0) == 0
    assert locked_for([*wrong, 40.0], 41.0) == LOCKOUT_SECONDS - 41.0
    assert locked_for([*wrong, 40.0], LOCKOUT_SECONDS + 1) == 0
    assert locked_for([-LOCKOUT_SECONDS, *wrong], 40.0) == 0
    assert MAX_FAILURES == 5


def test_a_locked_page_says_for_how_long_in_whole_minutes_and_who_can_help() -> None:
    """The message rounds up to minutes and names the administrator's reset."""
    assert "Try again in 15 minutes" in locked_message(LOCKOUT_SECONDS - 1)
    assert "Try again in 1 minute," in locked_message(3)
    assert "reset your password" in locked_message(60)
