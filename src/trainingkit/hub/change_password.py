"""The hub's "change your password" page: a JupyterHub service at ``/services/password/``.

People log in to the hub with their OS account's password (PAM), so changing it means
changing the OS password, which only root can do: this small service runs as root, as the
hub does, and does exactly one thing. Who is asking comes from the hub (OAuth, as
JupyterHub's ``whoami-oauth`` example has it), never from the form; the old password is
checked through PAM before the new one is set with ``chpasswd``. Passwords are never logged,
echoed or kept: the page shows only whether the change was made, and why not.

Someone at a person's unlocked screen cannot use the page to guess their password: each
person's current password is checked one attempt at a time, and after five wrong ones within
a quarter of an hour the page stops checking it for a while (:mod:`trainingkit.hub.attempts`);
the person is told for how long.
Every roster group may open it (``access:services!service=password``); the hub's menu lists it
under *Services*.

Where the hub's log-in is single sign-on (Kubernetes, docs/z2jh-values.yaml), passwords belong to
the identity provider: with ``TRAININGKIT_PASSWORD_PAGE`` set to its https address the service
runs as nobody in particular, checks nothing and sends each person there, so the page keeps its
place in the hub's menu.
"""

from __future__ import annotations

import asyncio
import html
import os
import subprocess
import time
import unicodedata

from .attempts import Attempts, locked_message

#: The identity provider's own password page, when the hub does not log people in with the machine's passwords.
ELSEWHERE = "TRAININGKIT_PASSWORD_PAGE"
#: The shortest new password the page accepts.
MIN_LENGTH = 10
MAX_LENGTH = 128


def password_problem(old: str, new: str, repeated: str) -> str:
    """Why a change cannot be made with these three fields ("" when it can). Pure."""
    if not old or not new or not repeated:
        return "Fill in all three fields."
    if new != repeated:
        return "The new password and its repetition differ; type the same one twice."
    if len(new) < MIN_LENGTH:
        return f"The new password is too short: use at least {MIN_LENGTH} characters."
    if len(new) > MAX_LENGTH:
        return f"The new password is too long: use at most {MAX_LENGTH} characters."
    if any(unicodedata.category(char).startswith("C") for char in new):
        return "The new password may not hold control characters (such as a line break or a tab)."
    if new == old:
        return "The new password is the same as the old one; choose another."
    return ""


def password_page_elsewhere(environ: dict[str, str]) -> str:
    """Where people change their password when it is not here ("" when it is: PAM). Pure."""
    url = environ.get(ELSEWHERE, "").strip()
    if url and (not url.startswith("https://") or any(char.isspace() or char in "<>\"'" for char in url)):
        raise ValueError(f"{ELSEWHERE} must be an https:// address of the identity provider's password page, "
                         f"not {url!r}")
    return url


def page(username: str, xsrf_form: str, message: str = "", done: bool = False) -> str:
    """The page: the form, with ``message`` above it (escaped, like the name)."""
    note = f'<p class="{"done" if done else "problem"}">{html.escape(message)}</p>' if message else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Change your password</title>
<style>body{{font-family:sans-serif;max-width:32em;margin:3em auto}}label{{display:block;margin-top:1em}}
input{{width:100%;padding:.4em}}button{{margin-top:1.5em;padding:.5em 1em}}.problem{{color:#a00}}.done{{color:#070}}
</style></head><body>
<h1>Change your password</h1>
<p>Signed in as <strong>{html.escape(username)}</strong>. The new password works at your next log-in;
your server keeps running.</p>
{note}
<form method="post" autocomplete="off">{xsrf_form}
<label>Current password <input type="password" name="old" autocomplete="current-password" required></label>
<label>New password (at least {MIN_LENGTH} characters)
<input type="password" name="new" autocomplete="new-password" minlength="{MIN_LENGTH}" required></label>
<label>New password again <input type="password" name="repeated" autocomplete="new-password" required></label>
<button type="submit">Change password</button></form>
<p><a href="/hub/home">Back to the hub</a></p></body></html>
"""


def old_password_is_right(username: str, password: str) -> bool:
    import pamela

    try:
        pamela.authenticate(username, password, service="login")
    except pamela.PAMError:
        return False
    return True


def set_password(username: str, password: str) -> bool:
    process = subprocess.run(["chpasswd"], input=f"{username}:{password}\n", capture_output=True, text=True)
    return process.returncode == 0


def make_app():  # pragma: no cover - started by the hub; tested on a real hub
    from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated
    from jupyterhub.utils import url_path_join
    from tornado import web

    prefix = os.environ["JUPYTERHUB_SERVICE_PREFIX"]
    attempts = Attempts(time.monotonic)  # wrong current passwords, per person
    elsewhere = password_page_elsewhere(dict(os.environ))

    class PasswordHandler(HubOAuthenticated, web.RequestHandler):
        @web.authenticated
        def get(self) -> None:
            if elsewhere:
                self.redirect(elsewhere)
                return
            self.finish(page(self.current_user["name"], self.xsrf_form_html()))

        @web.authenticated
        async def post(self) -> None:
            if elsewhere:
                raise web.HTTPError(405)
            username = self.current_user["name"]
            old, new, repeated = (self.get_body_argument(name, "") for name in ("old", "new", "repeated"))
            problem, status = password_problem(old, new, repeated), 400
            loop = asyncio.get_running_loop()
            if not problem:
                async def is_right() -> bool:
                    return await loop.run_in_executor(None, old_password_is_right, username, old)

                right, wait = await attempts.check(username, is_right)
                if wait:
                    problem, status = locked_message(wait), 429
                elif not right:
                    problem = "The current password is not right; nothing was changed."
            if not problem and not await loop.run_in_executor(None, set_password, username, new):
                problem = "The password could not be changed; ask the course's administrator."
            self.set_status(status if problem else 200)
            self.finish(page(username, self.xsrf_form_html(), problem or "Your password is changed.", not problem))

        def set_default_headers(self) -> None:
            self.set_header("Cache-Control", "no-store")
            self.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; "
                            "form-action 'self'; frame-ancestors 'none'")

    return web.Application([
        (prefix, PasswordHandler),
        (url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler),
    ], cookie_secret=os.urandom(32), xsrf_cookies=True)


def main() -> None:  # pragma: no cover - started by the hub
    from urllib.parse import urlparse

    from tornado.ioloop import IOLoop

    url = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    make_app().listen(url.port, url.hostname)
    IOLoop.current().start()


if __name__ == "__main__":
    main()
