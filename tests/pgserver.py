"""A throwaway PostgreSQL server for the tests, on 127.0.0.1, in a temporary folder.

Debian's ``postgresql`` package installs ``initdb`` and ``pg_ctl`` in
``/usr/lib/postgresql/VERSION/bin`` and starts no cluster by itself. As root they must
run as the ``postgres`` user, in a folder that user owns; otherwise as ourselves.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def find_postgres_bin() -> Path | None:
    """The folder of the newest installed ``initdb`` and ``pg_ctl``, or None."""
    def version(folder: str) -> tuple[int, ...]:
        number = Path(folder).parent.name
        return tuple(int(part) for part in number.split(".") if part.isdigit())

    folders = sorted((os.path.dirname(p) for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")), key=version)
    if folders:
        return Path(folders[-1])
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    """One PostgreSQL cluster: ``start()``, then ``create_database()`` per user, ``stop()`` at the end."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="trainingkit-postgres-"))
        self.data = self.folder / "data"
        self.port = 0
        self._names = itertools.count(1)
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as:
            shutil.chown(self.folder, "postgres", "postgres")

    def _run(self, *command: str) -> None:
        process = subprocess.run([*self._as, *command], capture_output=True, text=True, cwd=self.folder)
        if process.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n"
                               f"{process.stdout}\n{process.stderr}\n{self.server_log()}")

    def server_log(self) -> str:
        log = self.folder / "server.log"
        return log.read_text(errors="replace")[-3000:] if log.exists() else ""

    def start(self) -> "PostgresServer":
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> "PostgresServer":
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C", "--no-sync")
        for attempt in range(3):  # a port found free can be taken before the server binds it
            self.port = _free_port()
            options = (f"-h 127.0.0.1 -p {self.port} -k {self.folder} -F "
                       "-c max_connections=200 -c full_page_writes=off -c synchronous_commit=off")
            try:
                self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"),
                          "-w", "-t", "60", "-o", options, "start")
                return self
            except RuntimeError:
                if attempt == 2:
                    raise
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str = "gradebook") -> str:
        """A new, empty database; returns its SQLAlchemy URL."""
        import psycopg2

        name = f"{prefix}_{next(self._names)}"
        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres")
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()
        return self.url(name)

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
