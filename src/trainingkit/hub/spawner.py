"""JupyterHub's local process spawner, with each person's server in a cgroup of its own.

Runs in the hub (JupyterHub must be installed: the hub's venv has it). The limits and the
cgroups are :mod:`trainingkit.hub.limits`; this only puts them around a server's life:

* before the server starts, its cgroup is made afresh with the limits (what an earlier
  server of the same person left there is stopped first);
* the server process moves itself into the cgroup between fork and exec, while still root,
  and only then becomes the person; so everything it ever starts is inside;
* when the server has stopped (stopped by the hub, the idle culler, the person, or dead by
  itself), whatever is left in the cgroup is stopped, the cgroup removed and the person's
  files in /dev/shm cleared.
"""

from __future__ import annotations

import asyncio
import inspect
import pwd

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Integer

from trainingkit.hub.limits import DEFAULT_PROCESS_LIMIT, Hierarchy, Limits, detect, enter_then, release


class LimitedSpawner(LocalProcessSpawner):
    """:class:`LocalProcessSpawner` whose servers each run in a cgroup with ``mem_limit``
    (bytes) and ``process_limit``, and an equal CPU weight."""

    process_limit = Integer(DEFAULT_PROCESS_LIMIT, config=True,
                            help="The most processes (threads included) one person's server and all it starts may run.")

    _hierarchy: Hierarchy | None = None

    @property
    def limits(self) -> Limits:
        return Limits(memory=int(self.mem_limit), processes=self.process_limit)

    @property
    def hierarchy(self) -> Hierarchy:
        if LimitedSpawner._hierarchy is None:
            found = detect()
            if found is None:
                raise RuntimeError("no cgroup hierarchy with the memory and pids controllers: cannot keep limits")
            LimitedSpawner._hierarchy = found
        return LimitedSpawner._hierarchy

    async def start(self):  # noqa: ANN201 (JupyterHub's signature)
        name = self.user.name
        await asyncio.to_thread(self.hierarchy.remove, name)  # what an earlier server of theirs left
        self.hierarchy.create(name, self.limits)
        self.log.info("%s's server runs in its own cgroup (%s): %s", name, self.hierarchy.describe(),
                      self.limits.describe())
        try:
            return await super().start()
        except BaseException:
            await asyncio.to_thread(self.hierarchy.remove, name)
            raise

    def make_preexec_fn(self, name: str):  # noqa: ANN201
        return enter_then(self.hierarchy.procs_files(name), super().make_preexec_fn(name))

    async def run_post_stop_hook(self):  # noqa: ANN201 (JupyterHub awaits what this returns)
        name = self.user.name
        try:
            await asyncio.to_thread(release, self.hierarchy, name, pwd.getpwnam(name).pw_uid)
        except (OSError, KeyError):
            self.log.exception("could not remove %s's cgroup", name)
        result = super().run_post_stop_hook()
        if inspect.isawaitable(result):
            await result
