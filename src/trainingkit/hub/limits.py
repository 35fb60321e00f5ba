"""Limits per person on the hub: each person's server, and everything it starts, in a cgroup of its own.

A person's single-user server is moved into its own cgroup before it runs anything (by the
spawner, :mod:`trainingkit.hub.spawner`, in the child process while it is still root), so
its kernels, terminals and anything they fork, ``setsid`` or daemonise stay in it too: a
process cannot leave a cgroup it has no write access to. Per person:

* **memory** (default 1 GiB), swap included where the kernel accounts it, and shared memory
  (``/dev/shm`` is tmpfs, whose pages are charged to the writer's cgroup): past it the
  kernel's OOM killer stops the largest process of that person only;
* **processes** (default 256; threads count too): past it ``fork`` fails for that person only;
* **CPU**: an equal weight for everyone (``cpu.shares`` 1024, ``cpu.weight`` 100), so one
  person's busy processes get one person's share when the machine is busy.

Disk is not limited. Where systemd is PID 1, jupyterhub-systemdspawner is the tool that
does this through systemd (as The Littlest JupyterHub does); see the README.

cgroup v1 (a ``memory``, ``pids`` and ``cpu`` hierarchy each, as on machines where systemd
is not PID 1): ``MOUNT/trainingkit/USER`` in each. cgroup v2: ``/sys/fs/cgroup/trainingkit/USER``
with the memory, pids and cpu controllers enabled for it. The parsing here is pure; the
hierarchies write only below their own ``trainingkit`` folder.
"""

from __future__ import annotations

import errno
import os
import re
import signal
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trainingkit.hub.layout import HubLayout

#: What each person may use unless ``trainingkit hub`` is told otherwise.
DEFAULT_MEMORY_LIMIT = 1 << 30
DEFAULT_PROCESS_LIMIT = 256
#: A person's server and one kernel take about 200 MB and some 30 threads: less than this
#: would stop them before the person does anything.
MIN_MEMORY_LIMIT = 256 << 20
MIN_PROCESS_LIMIT = 32
#: Everyone's equal CPU weight (the kernels' defaults: what a cgroup gets unless told).
CPU_SHARES = 1024
CPU_WEIGHT = 100
#: The folder, in each hierarchy, holding one cgroup per person.
PARENT = "trainingkit"
CONTROLLERS = ("memory", "pids", "cpu")
REQUIRED = ("memory", "pids")

_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


class LimitsError(RuntimeError):
    """Limits were asked for and cannot be kept on this machine; the message says why and what to do."""


def parse_size(text: str) -> int:
    """Bytes in ``text``: a number with an optional K, M, G or T (powers of 1024, as JupyterHub's
    ``mem_limit`` reads them; "iB" or "B" after it is allowed): "1G", "512M", "1.5GiB", "1073741824"."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?\s*", text.upper())
    if not match:
        raise ValueError(f"{text!r} is not a size: write a number with K, M, G or T, such as 1G or 512M")
    size = int(float(match[1]) * _UNITS[match[2]])
    if size <= 0:
        raise ValueError(f"{text!r}: a size must be more than 0")
    return size


def format_size(size: int) -> str:
    """``size`` bytes for people: "1 GiB", "512 MiB", "1.5 GiB"; bytes when it is no round figure."""
    for unit, name in (("T", "TiB"), ("G", "GiB"), ("M", "MiB"), ("K", "KiB")):
        figure = size / _UNITS[unit]
        if figure >= 1 and figure * 10 == int(figure * 10):
            return f"{figure:g} {name}"
    return f"{size} bytes"


@dataclass(frozen=True)
class Limits:
    """What one person's server and everything it starts may use together."""

    memory: int = DEFAULT_MEMORY_LIMIT
    processes: int = DEFAULT_PROCESS_LIMIT

    def __post_init__(self) -> None:
        if self.memory < MIN_MEMORY_LIMIT:
            raise ValueError(f"a memory limit of {format_size(self.memory)} is too small: a person's server and "
                             f"one kernel need about 200 MB; give at least {format_size(MIN_MEMORY_LIMIT)}")
        if self.processes < MIN_PROCESS_LIMIT:
            raise ValueError(f"a process limit of {self.processes} is too small: a person's server and one kernel "
                             f"run about 30 threads; give at least {MIN_PROCESS_LIMIT}")

    def describe(self) -> str:
        return (f"{format_size(self.memory)} of memory (shared memory included), {self.processes} processes, "
                "an equal share of the CPU")


def limits_of(memory_limit: int | None, process_limit: int | None) -> Limits | None:
    """The limits a hub's settings keep (None: the hub runs without limits, ``--no-limits``)."""
    if memory_limit is None or process_limit is None:
        return None
    return Limits(memory_limit, process_limit)


def _unescape(field: str) -> str:
    """A path as /proc/self/mounts writes it (a space as \\040 and so on)."""
    return re.sub(r"\\([0-7]{3})", lambda octal: chr(int(octal[1], 8)), field)


def controller_mounts(mounts: str) -> tuple[dict[str, Path], Path | None]:
    """From the text of ``/proc/self/mounts``: where each cgroup v1 controller of :data:`CONTROLLERS`
    is mounted, and where the cgroup v2 (unified) hierarchy is, if anywhere. Pure."""
    v1: dict[str, Path] = {}
    unified = None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 4:
            continue
        where, kind, options = _unescape(fields[1]), fields[2], fields[3].split(",")
        if kind == "cgroup":
            for controller in CONTROLLERS:
                if controller in options:
                    v1.setdefault(controller, Path(where))
        elif kind == "cgroup2" and unified is None:
            unified = Path(where)
    return v1, unified


class Hierarchy:
    """Where people's cgroups are made, and how: one subclass per cgroup version."""

    version = ""

    def parents(self) -> list[Path]:
        """The folders (one per v1 controller, one in v2) holding one cgroup per person."""
        raise NotImplementedError

    def folders(self, name: str) -> list[Path]:
        """The cgroup folders of ``name``."""
        return [parent / name for parent in self.parents()]

    def limit_files(self, limits: Limits) -> list[tuple[Path, str, bool]]:
        """``(file under a parent, value, required)`` to write in a person's cgroup, in this order;
        a file not required is written only where the kernel has it."""
        raise NotImplementedError

    def _prepare_parents(self) -> None:
        for parent in self.parents():
            parent.mkdir(exist_ok=True)

    def describe(self) -> str:
        return f"cgroup {self.version}, {', '.join(str(parent) for parent in self.parents())}"

    def create(self, name: str, limits: Limits) -> None:
        """Make ``name``'s cgroup with ``limits``; :meth:`procs_files` moves processes into it."""
        for attempt in range(3):  # another hub may remove the shared parent just as this one adds to it
            try:
                self._prepare_parents()
                for folder in self.folders(name):
                    folder.mkdir(exist_ok=True)
                break
            except FileNotFoundError:
                if attempt == 2:
                    raise
        for file, value, required in self.limit_files(limits):
            path = file.parent / name / file.name
            if required or path.exists():
                path.write_text(value)

    def written(self, name: str) -> dict[str, str]:
        """Each limit file of ``name``'s cgroup and what it holds now (for checks and tests)."""
        found = {}
        for file, _, _ in self.limit_files(Limits()):
            path = file.parent / name / file.name
            if path.exists():
                found[file.name] = path.read_text().strip()
        return found

    def procs_files(self, name: str) -> list[Path]:
        """Writing a process id into each of these moves that process into ``name``'s cgroup."""
        return [folder / "cgroup.procs" for folder in self.folders(name)]

    def pids(self, name: str) -> set[int]:
        """The processes in ``name``'s cgroup now."""
        found: set[int] = set()
        for path in self.procs_files(name):
            try:
                found.update(int(line) for line in path.read_text().split())
            except FileNotFoundError:
                pass
        return found

    def exists(self, name: str) -> bool:
        return any(folder.is_dir() for folder in self.folders(name))

    def remove(self, name: str, timeout: float = 10) -> None:
        """Stop every process left in ``name``'s cgroup and remove it, and the shared parent once
        it is empty. Nothing happens when there is no such cgroup."""
        deadline = time.monotonic() + timeout
        while pids := self.pids(name):  # again and again: one may fork while the others are killed
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            if time.monotonic() > deadline:
                raise OSError(errno.EBUSY, f"processes {sorted(pids)} would not stop", str(self.folders(name)[0]))
            time.sleep(0.05)
        for folder in self.folders(name):
            while True:  # the kernel may need a moment after the last process has gone
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError as error:
                    if error.errno != errno.EBUSY or time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
        for parent in self.parents():
            try:
                parent.rmdir()
            except OSError:  # another hub's people still have theirs there, or it is gone already
                pass

    def probe(self, limits: Limits) -> None:
        """Make a cgroup with ``limits`` and remove it again: OSError where that cannot be done."""
        name = f"probe-{os.getpid()}"
        try:
            self.create(name, limits)
        finally:
            self.remove(name)


@dataclass(frozen=True)
class CgroupV1(Hierarchy):
    """cgroup v1: a hierarchy per controller (``mounts``: controller to mount point; cpu optional)."""

    mounts: Mapping[str, Path]
    version = "v1"

    def parents(self) -> list[Path]:
        return [self.mounts[controller] / PARENT for controller in CONTROLLERS if controller in self.mounts]

    def limit_files(self, limits: Limits) -> list[tuple[Path, str, bool]]:
        # memsw (memory and swap together) exists where the kernel accounts swap; it may not be
        # below the memory limit, so it comes second, equal to it: swap gives no more room
        files = [("memory", "memory.limit_in_bytes", str(limits.memory), True),
                 ("memory", "memory.memsw.limit_in_bytes", str(limits.memory), False),
                 ("pids", "pids.max", str(limits.processes), True), ("cpu", "cpu.shares", str(CPU_SHARES), True)]
        return [(self.mounts[controller] / PARENT / file, value, required)
                for controller, file, value, required in files if controller in self.mounts]


@dataclass(frozen=True)
class CgroupV2(Hierarchy):
    """cgroup v2 (unified): ``root/trainingkit/USER``, the controllers enabled down to it."""

    root: Path
    version = "v2"

    def parents(self) -> list[Path]:
        return [self.root / PARENT]

    def limit_files(self, limits: Limits) -> list[tuple[Path, str, bool]]:
        parent = self.root / PARENT
        cpu = self.root / "cgroup.controllers"
        files = [(parent / "memory.max", str(limits.memory), True), (parent / "memory.swap.max", "0", False),
                 (parent / "pids.max", str(limits.processes), True)]
        if cpu.exists() and "cpu" in cpu.read_text().split():
            files.append((parent / "cpu.weight", str(CPU_WEIGHT), True))
        return files

    def _prepare_parents(self) -> None:
        parent = self.root / PARENT
        parent.mkdir(exist_ok=True)
        available = set((self.root / "cgroup.controllers").read_text().split())
        wanted = [controller for controller in CONTROLLERS if controller in available]
        for folder in (self.root, parent):  # each level hands the controllers to the one below it
            control = folder / "cgroup.subtree_control"
            enabled = set(control.read_text().split()) if control.exists() else set()
            if not set(wanted) <= enabled:
                control.write_text(" ".join(f"+{controller}" for controller in wanted))

    def remove(self, name: str, timeout: float = 10) -> None:
        kill = self.folders(name)[0] / "cgroup.kill"  # Linux 5.14 on: all of them at once, forks too
        if kill.exists():
            kill.write_text("1")
        super().remove(name, timeout)


def detect(mounts: str | None = None, *,
           read: Callable[[Path], str] = lambda path: path.read_text()) -> Hierarchy | None:
    """This machine's cgroup hierarchy with the memory and pids controllers, or None.

    cgroup v1 when both are mounted as v1 hierarchies (``cpu`` too where it is); otherwise
    cgroup v2 when its root lists both in ``cgroup.controllers``.
    """
    if mounts is None:
        mounts = read(Path("/proc/self/mounts"))
    v1, unified = controller_mounts(mounts)
    if all(controller in v1 for controller in REQUIRED):
        return CgroupV1(v1)
    if unified is not None:
        try:
            available = set(read(unified / "cgroup.controllers").split())
        except OSError:
            available = set()
        if set(REQUIRED) <= available:
            return CgroupV2(unified)
    return None


def systemd_is_init() -> bool:
    try:
        return Path("/proc/1/comm").read_text().strip() == "systemd"
    except OSError:
        return False


NO_LIMITS_HINT = ("Run `trainingkit hub` as root on a machine whose cgroup controllers are writable, or "
                  "start it with --no-limits to run without limits per person (then one person can use "
                  "all the memory and processes of the machine and stop the class).")


def check_available(limits: Limits, find: Callable[[], Hierarchy | None] = detect) -> Hierarchy:
    """The hierarchy people's cgroups go in (``find()``), after making and removing one there with
    ``limits``; :class:`LimitsError` with what to do when there is none or it cannot be written."""
    hierarchy = find()
    if hierarchy is None:
        raise LimitsError("limits per person need the cgroup memory and pids controllers, and this machine has "
                          "neither cgroup v1 hierarchies for them nor a cgroup v2 hierarchy offering them "
                          f"(see /proc/self/mounts). {NO_LIMITS_HINT}")
    try:
        hierarchy.probe(limits)
    except OSError as error:
        raise LimitsError(f"limits per person: cannot make a cgroup in {hierarchy.describe()} "
                          f"({error.strerror or error}). {NO_LIMITS_HINT}") from error
    return hierarchy


def enter_then(procs_files: Iterable[Path], then: Callable[[], None]) -> Callable[[], None]:
    """A ``preexec_fn``: the new process moves itself into the cgroup (written while it is still
    root), then ``then()`` (JupyterHub's: become the person). A failure stops the spawn, so no
    server ever runs outside its limits."""
    files = [str(path) for path in procs_files]

    def preexec() -> None:  # between fork and exec: plain system calls only
        pid = str(os.getpid()).encode()
        for path in files:
            fd = os.open(path, os.O_WRONLY)
            try:
                os.write(fd, pid)
            finally:
                os.close(fd)
        then()

    return preexec


def clear_shared_memory(uid: int, folder: Path = Path("/dev/shm")) -> list[str]:
    """Remove what account ``uid`` left in ``folder`` (``/dev/shm``); returns the names removed.

    Shared memory outlives the processes that wrote it, and once their cgroup is gone the
    kernel charges it to no one: left there, each stopped server could leave up to its memory
    limit behind. Entries are removed without following links.
    """
    import shutil

    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        try:
            if entry.stat(follow_symlinks=False).st_uid != uid:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
            removed.append(entry.name)
        except OSError:
            continue
    return removed


def release(hierarchy: Hierarchy, name: str, uid: int | None = None) -> None:
    """After ``name``'s server has stopped: what is left in their cgroup is stopped, the cgroup
    removed, and their shared memory (``uid``'s files in /dev/shm) cleared."""
    hierarchy.remove(name)
    if uid is not None:
        clear_shared_memory(uid)


def release_everyone(layout: "HubLayout") -> list[str]:
    """After the hub has exited: remove every roster member's cgroup still there (and stop what
    is in it); returns their names. JupyterHub removes each when it stops that server; this is
    for a hub that died without stopping them. Other hubs' people are not touched."""
    import pwd

    from trainingkit.hub.config import HubSettings
    from trainingkit.hub.roster import read_roster

    if not layout.settings_file.exists():
        return []
    settings = HubSettings.read(layout.settings_file)
    hierarchy = detect() if limits_of(settings.memory_limit, settings.process_limit) else None
    if hierarchy is None:
        return []
    left = [member.username for member in read_roster(settings.roster) if hierarchy.exists(member.username)]
    for name in left:
        try:
            uid: int | None = pwd.getpwnam(name).pw_uid
        except KeyError:
            uid = None
        try:
            release(hierarchy, name, uid)
        except OSError as error:  # said, not raised: the hub has stopped either way
            print(f"trainingkit hub: could not remove {name}'s cgroup: {error}", file=sys.stderr)
    return left


def configure_limits(c: object, memory_limit: int | None, process_limit: int | None) -> None:
    """Give each person's server its cgroup (JupyterHub's configuration ``c``), unless there are no limits."""
    limits = limits_of(memory_limit, process_limit)
    if limits is None:
        return
    c.JupyterHub.spawner_class = "trainingkit.hub.spawner.LimitedSpawner"  # type: ignore[attr-defined]
    c.Spawner.mem_limit = limits.memory  # type: ignore[attr-defined]  # also MEM_LIMIT in the server's environment
    c.LimitedSpawner.process_limit = limits.processes  # type: ignore[attr-defined]
