"""Limits per person on a real hub, as root: one trainee's hogs stop at their limits, the other's saves stay quick.

A hub of its own (two trainees, 768 MiB and 128 processes each instead of the defaults, so
the options are tried too). The first trainee's kernel forks until the cgroup refuses (its
children spin on the CPU for a while, bounded) and runs a memory hog (bounded too) that
the kernel's OOM killer stops at the limit; meanwhile the second trainee saves answers,
timed as benchmarks/hub.py times them. Before the hub starts, a cgroup of the real
hierarchy is tried alone (no hub) on forks, memory and shared memory.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hub.client import Hub, live_processes, roster_of, running_hub, unavailable
from trainingkit.answers import read_answers
from trainingkit.hub import accounts
from trainingkit.hub.config import HubSettings
from trainingkit.hub.limits import CPU_SHARES, Hierarchy, Limits, detect, enter_then

pytestmark = pytest.mark.hub

MEMORY = 768 << 20
PROCESSES = 128
#: How long the process hog's children spin on the CPU (bounded: they exit by themselves).
SPIN_SECONDS = 20
SAVES = 40
SAVE = ("from trainingkit.answers import save_answer\n"
        "save_answer('answers.json', {question!r}, {value!r})")



def process_hog(limit: int, spin: int = SPIN_SECONDS) -> str:
    """Forks until refused (``children``, ``refused``: the error's name), up to 4 * ``limit`` times;
    the children spin on the CPU for ``spin`` seconds, then exit."""
    return PROCESS_HOG.replace("LIMIT", str(limit)).replace("SPIN", str(spin))


PROCESS_HOG = """
import errno, json, os, time
end = time.monotonic() + SPIN
children, refused = [], None
for _ in range(4 * LIMIT):  # bounded even if nothing refused it
    try:
        pid = os.fork()
    except OSError as error:
        refused = errno.errorcode[error.errno]
        break
    if pid == 0:
        while time.monotonic() < end:
            pass
        os._exit(0)
    children.append(pid)
"""
#: Allocates (and writes) 32 MiB at a time, saying how much it holds, up to 2 GiB at most.
MEMORY_HOG = ("chunks = []\n"
              "while len(chunks) < 64:\n"
              "    chunks.append(b'x' * (32 << 20))\n"
              "    print(len(chunks) * 32, flush=True)\n")
#: Runs the memory hog in a process of its own while the spinners still run (a few of them
#: are let go first to leave it a process), then waits for the spinners.
HOG = process_hog(PROCESSES) + f"""
import subprocess, sys
for pid in children[:4]:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
memory = subprocess.run([sys.executable, '-c', {MEMORY_HOG!r}], capture_output=True, text=True)
for pid in children[4:]:
    os.waitpid(pid, 0)
held = memory.stdout.split()
print(json.dumps({{"forked": len(children), "refused": refused, "memory_status": memory.returncode,
                  "memory_error": memory.stderr[-300:], "held_mib": int(held[-1]) if held else 0}}))
"""


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


@pytest.fixture(scope="module")
def hierarchy() -> Hierarchy:
    reason = unavailable()
    if reason:
        pytest.skip(reason)
    found = detect()
    if found is None:
        pytest.skip("no cgroup hierarchy with the memory and pids controllers on this machine")
    return found


def _folder(hierarchy: Hierarchy, name: str, controller: str) -> Path:
    """``name``'s cgroup folder for ``controller`` (v2 has one for all)."""
    folders = hierarchy.folders(name)
    return next((folder for folder in folders if f"/{controller}/" in str(folder)), folders[0])


def _shmem(hierarchy: Hierarchy, name: str) -> int:
    """Bytes of shared memory (tmpfs) charged to ``name``'s cgroup."""
    text = (_folder(hierarchy, name, "memory") / "memory.stat").read_text()
    return next(int(line.split()[1]) for line in text.splitlines() if line.startswith("shmem "))


def _in_cgroup(hierarchy: Hierarchy, name: str, code: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *extra], capture_output=True, text=True, timeout=120,
                          preexec_fn=enter_then(hierarchy.procs_files(name), lambda: None))


def test_a_cgroup_stops_forks_memory_and_shared_memory_and_leaves_nothing(hierarchy: Hierarchy) -> None:
    """In a cgroup of 256 MiB and 32 processes: forks are refused, a memory hog and a writer to
    /dev/shm are killed at the limit; removing it stops a daemon that left its session."""
    name = f"tk-try-{secrets.token_hex(3)}"
    shm = Path("/dev/shm") / name
    hierarchy.create(name, Limits(256 << 20, 32))
    try:
        forks = _in_cgroup(hierarchy, name, process_hog(32, spin=1)
                           + "for pid in children: os.waitpid(pid, 0)\nprint(len(children), refused)")
        forked, refused = forks.stdout.split()
        assert refused == "EAGAIN" and int(forked) < 32, forks
        memory = _in_cgroup(hierarchy, name, MEMORY_HOG)
        assert memory.returncode == -signal.SIGKILL and int(memory.stdout.split()[-1]) < 256, memory
        writer = _in_cgroup(hierarchy, name, "import sys\nwith open(sys.argv[1], 'wb') as f:\n"
                            "    for n in range(64):\n        f.write(b'x' * (16 << 20)); f.flush()", str(shm))
        assert writer.returncode == -signal.SIGKILL and shm.stat().st_size < 256 << 20, writer
        assert _shmem(hierarchy, name) >= shm.stat().st_size - (1 << 20)  # charged to the writer's cgroup
        shm.unlink()
        _in_cgroup(hierarchy, name, "import os, subprocess\n"
                   "subprocess.Popen(['sleep', '300'], start_new_session=True, stdout=subprocess.DEVNULL, "
                   "stderr=subprocess.DEVNULL)")
        assert len(hierarchy.pids(name)) == 1
    finally:
        shm.unlink(missing_ok=True)
        hierarchy.remove(name)
    assert not hierarchy.exists(name)


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory, hierarchy: Hierarchy) -> Iterator[Hub]:
    """Two trainees, limited to 768 MiB and 128 processes each; all removed after."""
    roster = roster_of(f"tl{secrets.token_hex(3)}", trainee=2)
    options = ("--memory-limit", "768M", "--process-limit", str(PROCESSES))
    with running_hub(roster, tmp_path_factory.mktemp("limits"), options=options) as running:
        yield running
    assert not any(accounts.exists(user) for user in roster) and not running.layout.prefix.exists()
    assert not any(hierarchy.exists(user) for user in roster)


def test_one_trainees_hogs_stop_at_their_limits_while_anothers_saves_stay_quick(hub: Hub, hierarchy: Hierarchy) -> None:
    settings = HubSettings.read(hub.layout.settings_file)
    assert (settings.memory_limit, settings.process_limit) == (MEMORY, PROCESSES)
    hog, saver = hub.user("trainee", 1), hub.user("trainee", 2)
    for person in (hog, saver):
        person.make_token()
        person.start_server()
    expected = {"memory.limit_in_bytes": str(MEMORY), "pids.max": str(PROCESSES), "cpu.shares": str(CPU_SHARES)}
    if hierarchy.version == "v1":
        assert expected.items() <= hierarchy.written(hog.name).items()
        assert hierarchy.written(hog.name).get("memory.memsw.limit_in_bytes", str(MEMORY)) == str(MEMORY)
    hog_kernel = hog.kernel()
    printed, error = hog_kernel.run("print(open('/proc/self/cgroup').read())")
    lines = [line.split(":") for line in printed.split()]
    assert error == "" and all(where.endswith(f"/trainingkit/{hog.name}") for _, controller, where in lines
                               if controller in (("memory", "pids", "cpu") if hierarchy.version == "v1" else ("",))
                               ), printed

    outcome: dict[str, tuple[str, str]] = {}
    hogging = threading.Thread(target=lambda: outcome.update(hog=hog_kernel.run(HOG, timeout=240)))
    seconds: list[float] = []
    with saver.kernel().channel(timeout=120) as channel:
        assert channel.run("import os; os.makedirs('saves', exist_ok=True); os.chdir('saves'); "
                           "from trainingkit.answers import save_answer")[1] == ""  # as a notebook opens
        hogging.start()
        pids = _folder(hierarchy, hog.name, "pids") / "pids.current"
        deadline = time.monotonic() + 60
        while int(pids.read_text()) < PROCESSES - 8 and time.monotonic() < deadline and hogging.is_alive():
            time.sleep(0.2)
        assert int(pids.read_text()) >= PROCESSES - 8, "the process hog did not fill its cgroup"
        for n in range(SAVES):  # while the hog's children spin and its memory hog runs
            start = time.perf_counter()
            assert channel.run(SAVE.format(question=f"q-{n:03d}", value="abcd"[n % 4]))[1] == ""
            seconds.append(time.perf_counter() - start)
            time.sleep(0.2)
    hogging.join(timeout=300)
    printed, error = outcome["hog"]
    assert error == "", error
    result = json.loads(printed.splitlines()[-1])
    assert result["refused"] == "EAGAIN" and result["forked"] < PROCESSES, result
    assert (result["memory_status"] == -signal.SIGKILL or "MemoryError" in result["memory_error"]), result
    assert result["held_mib"] < MEMORY >> 20, result
    if hierarchy.version == "v1":  # it was the cgroup that said no, not anything else
        assert "max 0" not in (_folder(hierarchy, hog.name, "pids") / "pids.events").read_text()
        assert "oom_kill 0" not in (_folder(hierarchy, hog.name, "memory") / "memory.oom_control").read_text()
    saved = read_answers(accounts.home_of(saver.name) / "saves" / "answers.json")
    assert len(saved) == SAVES
    print(f"hog: {result}; saves meanwhile: p95 {_p95(seconds):.3f} s, max {max(seconds):.3f} s")
    assert _p95(seconds) <= 0.3, f"p95 save {_p95(seconds):.3f} s while another trainee hogged: {sorted(seconds)}"

    # shared memory is charged to the one who writes it, and cleared when their server stops
    printed, error = hog_kernel.run("open('/dev/shm/tk-limits', 'wb').write(b'x' * (64 << 20))")
    assert error == ""
    if hierarchy.version == "v1":
        assert _shmem(hierarchy, hog.name) >= 64 << 20

    os.killpg(hub.process.pid, signal.SIGINT)  # the hub stops every server, and with it their cgroups
    hub.process.wait(timeout=120)
    time.sleep(1)
    assert live_processes(list(hub.roster)) == []
    assert not any(hierarchy.exists(user) for user in hub.roster)
    assert not Path("/dev/shm/tk-limits").exists()
    for parent in hierarchy.parents():  # gone, unless another hub's people still have cgroups there
        assert not parent.exists() or any(entry.is_dir() for entry in parent.iterdir())
