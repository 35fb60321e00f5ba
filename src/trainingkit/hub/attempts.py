"""Wrong passwords, counted per person: after a few, nobody's password is checked for a while.

Both places where a password is checked on the hub use it: the log-in page
(:mod:`trainingkit.hub.login`) and the change-your-password page
(:mod:`trainingkit.hub.change_password`). Each person's password is checked one attempt at a
time (so guesses cannot run in parallel), and after :data:`MAX_FAILURES` wrong ones within
:data:`LOCKOUT_SECONDS` it is not checked again until the oldest of them is that old
(:func:`locked_for`). The counts live in the memory of the process that checks: a restart
forgets them, which only gives a guesser back the same few tries.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, Sequence

#: Wrong passwords a person may give within :data:`LOCKOUT_SECONDS` before checking stops.
MAX_FAILURES = 5
LOCKOUT_SECONDS = 15 * 60


def locked_for(failures: Sequence[float], now: float) -> float:
    """Seconds until a password is checked again for someone whose wrong ones were given at
    ``failures`` (monotonic seconds, oldest first); 0 when it is checked now. Pure."""
    recent = [moment for moment in failures if now - moment < LOCKOUT_SECONDS]
    if len(recent) < MAX_FAILURES:
        return 0.0
    return recent[-MAX_FAILURES] + LOCKOUT_SECONDS - now


def locked_message(seconds: float) -> str:
    """What a person is told while their password is not checked: for how long, and who can help."""
    minutes = max(1, math.ceil(seconds / 60))
    return (f"Too many wrong passwords: nothing was checked or changed. Try again in {minutes} "
            f"minute{'s' if minutes != 1 else ''}, or ask the course's administrator to reset your password.")


class Attempts:
    """The recent wrong passwords of each person, in one process's memory."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._failures: dict[str, list[float]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def check(self, name: str, is_right: Callable[[], Awaitable[bool]]) -> tuple[bool, float]:
        """Check ``name``'s password with ``is_right`` unless they are locked out: (right, seconds locked).

        One check at a time per person; a right password forgets their wrong ones.
        """
        async with self._locks.setdefault(name, asyncio.Lock()):
            now = self._clock()
            wait = locked_for(self._failures.get(name, []), now)
            if wait:
                return False, wait
            if await is_right():
                self._failures.pop(name, None)
                return True, 0.0
            self._forget_old(now)
            self._failures[name] = [*self._failures.get(name, [])[-MAX_FAILURES:], now]
            return False, 0.0

    def _forget_old(self, now: float) -> None:
        """Drop everyone whose wrong passwords are all past counting (guesses at made-up names add up)."""
        for name in [name for name, moments in self._failures.items() if now - moments[-1] >= LOCKOUT_SECONDS]:
            del self._failures[name]
            lock = self._locks.get(name)
            if lock is not None and not lock.locked():
                del self._locks[name]
