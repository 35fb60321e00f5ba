"""Wrong passwords counted per person: five within a quarter of an hour stop the checking for a while."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from trainingkit.hub.attempts import LOCKOUT_SECONDS, MAX_FAILURES, Attempts, locked_for, locked_message


def test_checking_stops_once_five_wrong_passwords_are_given_until_the_oldest_is_a_quarter_hour_old() -> None:
    """Four wrong passwords leave checking on; the fifth stops it until the oldest of the five is fifteen
    minutes old; wrong ones older than that do not count."""
    wrong = [0.0, 10.0, 20.0, 30.0]
    assert locked_for(wrong, 40.0) == 0
    assert locked_for([*wrong, 40.0], 41.0) == LOCKOUT_SECONDS - 41.0
    assert locked_for([*wrong, 40.0], LOCKOUT_SECONDS + 1) == 0
    assert locked_for([-LOCKOUT_SECONDS, *wrong], 40.0) == 0
    assert MAX_FAILURES == 5


def test_a_locked_person_is_told_for_how_long_in_whole_minutes_and_who_can_help() -> None:
    """The message rounds up to minutes and names the administrator's reset."""
    assert "Try again in 15 minutes" in locked_message(LOCKOUT_SECONDS - 1)
    assert "Try again in 1 minute," in locked_message(3)
    assert "reset your password" in locked_message(60)


def _run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run ``coroutine`` on an event loop of its own thread (a browser test's loop may be running in this one)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _guesses(attempts: Attempts, name: str, rights: list[bool]) -> list[tuple[bool, float]]:
    async def run() -> list[tuple[bool, float]]:
        results = []
        for right in rights:
            async def is_right(answer: bool = right) -> bool:
                return answer
            results.append(await attempts.check(name, is_right))
        return results
    return _run(run())


def test_after_five_wrong_passwords_even_the_right_one_is_not_checked_and_others_are_untouched() -> None:
    """A sixth attempt, right, is refused unchecked; another person still logs in; a quarter hour later the
    right password works and forgets the wrong ones."""
    clock = Clock()
    attempts = Attempts(clock)
    assert _guesses(attempts, "ada", [False] * 5) == [(False, 0.0)] * 5
    assert _guesses(attempts, "ada", [True]) == [(False, LOCKOUT_SECONDS)]
    assert _guesses(attempts, "ben", [True]) == [(True, 0.0)]
    clock.now += LOCKOUT_SECONDS
    assert _guesses(attempts, "ada", [True, False]) == [(True, 0.0), (False, 0.0)]


def test_guesses_in_parallel_are_checked_one_at_a_time_and_stop_at_five() -> None:
    """Twenty wrong guesses sent at once: five are checked, fifteen refused unchecked."""
    attempts, checked = Attempts(Clock()), []

    async def is_right() -> bool:
        checked.append(1)
        await asyncio.sleep(0.001)
        return False

    async def run() -> list[tuple[bool, float]]:
        return await asyncio.gather(*(attempts.check("ada", is_right) for _ in range(20)))

    results = _run(run())
    assert len(checked) == MAX_FAILURES and sum(1 for _, wait in results if wait) == 20 - MAX_FAILURES
