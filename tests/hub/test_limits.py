"""trainingkit.hub.limits: sizes, the machine's cgroup hierarchies, and people's cgroups as files.

No root and no real cgroup here: a hierarchy is a folder of plain files standing for one
(tests/hub/test_limits_on_hub.py uses the real ones, as root).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.hub.test_config import _configured
from trainingkit.hub.config import HubSettings
from trainingkit.hub.limits import (CPU_SHARES, DEFAULT_MEMORY_LIMIT, DEFAULT_PROCESS_LIMIT, CgroupV1, CgroupV2,
                                    Hierarchy, Limits, LimitsError, check_available, clear_shared_memory,
                                    controller_mounts, detect, enter_then, format_size, limits_of, parse_size)

#: /proc/self/mounts on a machine where systemd is not PID 1 (these: every controller its own v1 hierarchy).
V1_MOUNTS = """tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0
cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0
cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0
cgroup /sys/fs/cgroup/pids cgroup rw,relatime,pids 0 0
cgroup /sys/fs/cgroup/systemd cgroup rw,relatime,name=systemd 0 0
cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0
"""
#: A systemd host's unified hierarchy.
V2_MOUNTS = "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate 0 0\n"


@pytest.mark.parametrize(("text", "size"), [
    ("1G", 1 << 30), ("512M", 512 << 20), ("1.5GiB", 3 << 29), ("2g", 2 << 30), (" 768 MB ", 768 << 20),
    ("1073741824", 1 << 30), ("64K", 64 << 10), ("1T", 1 << 40)])
def test_sizes_are_read_in_powers_of_1024_as_jupyterhub_reads_them(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "G", "1X", "-1G", "0", "0M", "one gig", "1 G B"])
def test_a_size_that_is_not_one_is_refused_with_an_example(text: str) -> None:
    with pytest.raises(ValueError, match="1G|more than 0"):
        parse_size(text)


def test_sizes_are_written_for_people() -> None:
    assert [format_size(size) for size in (1 << 30, 512 << 20, 3 << 29, 1000)] == [
        "1 GiB", "512 MiB", "1.5 GiB", "1000 bytes"]


def test_the_defaults_are_a_gibibyte_and_256_processes_and_too_little_is_refused() -> None:
    assert (Limits().memory, Limits().processes) == (DEFAULT_MEMORY_LIMIT, DEFAULT_PROCESS_LIMIT) == (1 << 30, 256)
    assert "1 GiB of memory (shared memory included), 256 processes" in Limits().describe()
    with pytest.raises(ValueError, match="at least 256 MiB"):
        Limits(memory=100 << 20)
    with pytest.raises(ValueError, match="at least 32"):
        Limits(processes=8)
    assert limits_of(None, None) is None and limits_of(1 << 30, 100) == Limits(1 << 30, 100)


def test_the_controllers_are_found_in_the_mount_table() -> None:
    """Each v1 controller's own hierarchy (cpu also when mounted with cpuacct), and the unified one."""
    v1, unified = controller_mounts(V1_MOUNTS)
    assert v1 == {c: Path(f"/sys/fs/cgroup/{c}") for c in ("cpu", "memory", "pids")}
    assert unified == Path("/sys/fs/cgroup/unified")
    v1, _ = controller_mounts("cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,cpu,cpuacct 0 0\n"
                              "cgroup /a\\040b cgroup rw,memory 0 0\n")
    assert v1 == {"cpu": Path("/sys/fs/cgroup/cpu,cpuacct"), "memory": Path("/a b")}
    assert controller_mounts(V2_MOUNTS) == ({}, Path("/sys/fs/cgroup"))


def test_v1_is_used_where_memory_and_pids_are_v1_else_v2_if_it_offers_them() -> None:
    def read(controllers: str):
        return lambda path: controllers

    assert detect(V1_MOUNTS, read=read("hugetlb")) == CgroupV1({c: Path(f"/sys/fs/cgroup/{c}")
                                                                for c in ("cpu", "memory", "pids")})
    offered = read("cpuset cpu io memory hugetlb pids rdma misc")
    assert detect(V2_MOUNTS, read=offered) == CgroupV2(Path("/sys/fs/cgroup"))
    assert detect(V2_MOUNTS, read=read("cpu io")) is None
    assert detect("proc /proc proc rw 0 0\n", read=read("")) is None


def _v1(tmp_path: Path) -> CgroupV1:
    mounts = {controller: tmp_path / controller for controller in ("memory", "pids", "cpu")}
    for folder in mounts.values():
        folder.mkdir()
    return CgroupV1(mounts)


def test_a_v1_cgroup_gets_the_limits_in_each_controller(tmp_path: Path) -> None:
    """memory.limit_in_bytes, pids.max and an equal cpu.shares; the files that move a process in."""
    hierarchy = _v1(tmp_path)
    hierarchy.create("ada", Limits(768 << 20, 100))
    assert hierarchy.written("ada") == {"memory.limit_in_bytes": str(768 << 20), "pids.max": "100",
                                        "cpu.shares": str(CPU_SHARES)}
    assert hierarchy.procs_files("ada") == [tmp_path / c / "trainingkit" / "ada" / "cgroup.procs"
                                            for c in ("memory", "pids", "cpu")]
    assert hierarchy.exists("ada") and not hierarchy.exists("sam")


def test_where_swap_is_accounted_it_is_held_to_the_memory_limit_too(tmp_path: Path) -> None:
    """memory.memsw.limit_in_bytes (memory and swap) is written where the kernel has it, equal to memory."""
    hierarchy = _v1(tmp_path)
    folder = tmp_path / "memory" / "trainingkit" / "ada"
    folder.mkdir(parents=True)
    (folder / "memory.memsw.limit_in_bytes").write_text("9223372036854771712\n")
    hierarchy.create("ada", Limits())
    assert hierarchy.written("ada")["memory.memsw.limit_in_bytes"] == str(1 << 30)


def test_a_v2_cgroup_gets_its_controllers_enabled_and_the_limits(tmp_path: Path) -> None:
    (tmp_path / "cgroup.controllers").write_text("cpuset cpu io memory pids\n")
    (tmp_path / "cgroup.subtree_control").write_text("\n")
    hierarchy = CgroupV2(tmp_path)
    hierarchy.create("ada", Limits(512 << 20, 64))
    assert (tmp_path / "cgroup.subtree_control").read_text() == "+memory +pids +cpu"
    assert (tmp_path / "trainingkit" / "cgroup.subtree_control").read_text() == "+memory +pids +cpu"
    assert hierarchy.written("ada") == {"memory.max": str(512 << 20), "pids.max": "64", "cpu.weight": "100"}
    assert hierarchy.procs_files("ada") == [tmp_path / "trainingkit" / "ada" / "cgroup.procs"]


def test_the_processes_in_a_cgroup_are_read_from_each_controller(tmp_path: Path) -> None:
    hierarchy = _v1(tmp_path)
    hierarchy.create("ada", Limits())
    first, second, third = hierarchy.procs_files("ada")
    first.write_text("12\n34\n")
    second.write_text("34\n56\n")
    assert hierarchy.pids("ada") == {12, 34, 56}


def test_a_new_server_moves_itself_into_its_cgroup_before_it_becomes_the_person(tmp_path: Path) -> None:
    """The preexec writes the process's own id into every cgroup.procs, then calls JupyterHub's."""
    files = [tmp_path / "memory.procs", tmp_path / "pids.procs"]
    for path in files:
        path.touch()  # as the kernel's control files are
    order = []
    preexec = enter_then(files, lambda: order.append([path.read_text() for path in files]))
    preexec()
    assert order == [[str(os.getpid())] * 2]


def test_a_missing_cgroup_stops_the_spawn(tmp_path: Path) -> None:
    """If the process cannot enter its cgroup, it never becomes the person's server."""
    became = []
    preexec = enter_then([tmp_path / "gone" / "cgroup.procs"], lambda: became.append(True))
    with pytest.raises(FileNotFoundError):
        preexec()
    assert became == []


class _Nowhere(Hierarchy):
    version = "v1"

    def parents(self) -> list[Path]:
        return [Path("/nonexistent-cgroup/trainingkit")]

    def limit_files(self, limits: Limits) -> list[tuple[Path, str, bool]]:
        return [(Path("/nonexistent-cgroup/trainingkit/pids.max"), str(limits.processes), True)]


def test_without_writable_controllers_the_hub_says_what_to_do() -> None:
    """No hierarchy, or one that cannot be written: a message that names --no-limits."""
    with pytest.raises(LimitsError, match="memory and pids controllers.*--no-limits"):
        check_available(Limits(), find=lambda: None)
    with pytest.raises(LimitsError, match="cannot make a cgroup in cgroup v1, /nonexistent-cgroup/trainingkit.*"
                                          "--no-limits"):
        check_available(Limits(), find=_Nowhere)


def test_what_an_account_left_in_shared_memory_is_cleared_and_nothing_else(tmp_path: Path) -> None:
    """Its files and folders go; a link goes, not what it points to; another account's stay."""
    shm = tmp_path / "shm"
    shm.mkdir()
    (shm / "big").write_bytes(b"x" * 100)
    (shm / "folder").mkdir()
    (shm / "folder" / "inside").write_text("x")
    outside = tmp_path / "outside"
    outside.write_text("keep")
    (shm / "link").symlink_to(outside)
    assert clear_shared_memory(os.getuid() + 12345, shm) == []
    assert sorted(clear_shared_memory(os.getuid(), shm)) == ["big", "folder", "link"]
    assert list(shm.iterdir()) == [] and outside.read_text() == "keep"


def test_the_hub_spawns_servers_in_cgroups_with_the_limits_kept_in_its_settings(tmp_path: Path) -> None:
    config = _configured(tmp_path, memory_limit=768 << 20, process_limit=100)
    assert config.JupyterHub.spawner_class == "trainingkit.hub.spawner.LimitedSpawner"
    assert (config.Spawner.mem_limit, config.LimitedSpawner.process_limit) == (768 << 20, 100)
    assert _configured(tmp_path).LimitedSpawner.process_limit == DEFAULT_PROCESS_LIMIT


def test_without_limits_the_hub_spawns_plain_local_processes(tmp_path: Path) -> None:
    config = _configured(tmp_path, memory_limit=None, process_limit=None)
    assert config.JupyterHub.spawner_class == "localprocess" and "LimitedSpawner" not in config


def test_settings_written_before_limits_existed_read_with_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    fields = {k: v for k, v in asdict(HubSettings("/p", "g", "r", "127.0.0.1", 1, 2, 3, 4)).items()
              if k not in ("memory_limit", "process_limit")}
    path.write_text(json.dumps(fields))
    settings = HubSettings.read(path)
    assert (settings.memory_limit, settings.process_limit) == (DEFAULT_MEMORY_LIMIT, DEFAULT_PROCESS_LIMIT)


@pytest.mark.parametrize(("options", "message"), [
    (["--memory-limit", "lots"], "not a size"), (["--memory-limit", "100M"], "at least 256 MiB"),
    (["--process-limit", "8"], "x>=32")])
def test_the_hub_command_refuses_limits_it_cannot_keep(tmp_path: Path, options: list[str], message: str) -> None:
    from trainingkit.hub.run import hub

    roster = tmp_path / "roster.csv"
    roster.write_text("username,role,name\nada,trainee,Ada\n")
    result = CliRunner().invoke(hub, ["--roster", str(roster), "--prefix", str(tmp_path / "prefix"), *options])
    assert result.exit_code == 2 and message in result.output, result.output
    assert not (tmp_path / "prefix").exists()


def test_the_spawner_runs_the_preexec_of_jupyterhub_after_entering_the_cgroup(tmp_path: Path) -> None:
    """LimitedSpawner (in the hub's venv, with JupyterHub) wraps LocalProcessSpawner's preexec."""
    pytest.importorskip("jupyterhub")
    from trainingkit.hub.spawner import LimitedSpawner

    spawner = LimitedSpawner(mem_limit=512 << 20, process_limit=64)
    assert spawner.limits == Limits(512 << 20, 64)
