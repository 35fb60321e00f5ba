"""The hub's log-in: PAM, as before, with a limit on wrong passwords per person.

JupyterHub's PAM authenticator checks every attempt, so a trainee could try password after
password for a supervisor's account. :class:`LimitedPAMAuthenticator` checks each person's
password one attempt at a time and, after five wrong ones within a quarter of an hour, not at
all until the oldest is that old (:mod:`trainingkit.hub.attempts`): the page says only
"Invalid username or password", and the hub's log says the account is locked and for how long.
"""

from __future__ import annotations

import time

from jupyterhub.auth import PAMAuthenticator

from .attempts import Attempts


class LimitedPAMAuthenticator(PAMAuthenticator):
    """PAM log-in, refusing a person's attempts for a while after five wrong passwords."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._attempts = Attempts(time.monotonic)

    async def authenticate(self, handler, data):
        name = self.normalize_username(str(data.get("username", "")))
        check, answer = super().authenticate, []

        async def is_right() -> bool:
            answer.append(await check(handler, data))
            return answer[-1] is not None

        right, wait = await self._attempts.check(name, is_right)
        if wait:
            self.log.warning("Log-in refused for %s without checking: too many wrong passwords; "
                             "checked again in %d s", name, wait)
        return answer[-1] if right else None
