"""The "change your password" page: the rules a new password must meet, and the page itself.
(It is used on a real hub in tests/hub/test_enrol.py.)"""

from __future__ import annotations

import pytest

from trainingkit.hub.change_password import ELSEWHERE, MIN_LENGTH, page, password_page_elsewhere, password_problem

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


def test_with_single_sign_on_the_page_points_to_the_identity_providers_https_page_only() -> None:
    """Unset: "" (passwords are changed here); an https address is used as given; anything else is refused by name."""
    assert password_page_elsewhere({}) == ""
    address = "https://sso.example.org/realms/trainingkit/account/#/security/signingin"
    assert password_page_elsewhere({ELSEWHERE: f" {address} "}) == address
    for wrong in ("http://sso.example.org/account", "javascript:alert(1)", 'https://x.org/"><script>'):
        with pytest.raises(ValueError, match=ELSEWHERE):
            password_page_elsewhere({ELSEWHERE: wrong})
