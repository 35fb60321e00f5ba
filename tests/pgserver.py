"""A throwaway PostgreSQL server for the tests, on 127.0.0.1, in a temporary folder.

Debian's ``postgresql`` package installs ``initdb`` and ``pg_ctl`` in
``/usr/lib/postgresql/VERSION/bin`` and starts no cluster by itself. As root they must
run as the ``postgres`` user, in a folder that user owns; otherwise as ourselves.

By default every connection is trusted (``trust``): any local account may connect as any
role, which is enough for one account's pipeline tests. ``PostgresServer(bindir,
passwords=True)`` makes a cluster as a deployment should have it, for tests where other
local accounts are attackers: TCP connections need a role's password (scram-sha-256), and
the socket, in the server's 0700 folder, admits only the ``postgres`` OS account (peer).
"""

from __future__ import annotations

import glob
import itertools
import os
import secrets
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
    """One PostgreSQL cluster: ``start()``, then ``create_database()`` per user, ``stop()`` at the end.

    With ``passwords``, TCP connections need a password: the superuser's is generated here
    (:attr:`superuser_password`) and each :meth:`create_database` makes a role of its own.
    """

    def __init__(self, bindir: Path, *, passwords: bool = False) -> None:
        self.bindir = bindir
        self.passwords = passwords
        self.superuser_password = secrets.token_hex(16) if passwords else ""
        self.folder = Path(tempfile.mkdtemp(prefix="trainingkit-postgres-"))  # 0700
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

    def _initdb(self) -> None:
        common = ("-D", str(self.data), "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync")
        if not self.passwords:
            self._run(str(self.bindir / "initdb"), *common, "-A", "trust")
            return
        pwfile = self.folder / "superuser-password"  # in the 0700 folder, and gone once read
        pwfile.write_text(self.superuser_password + "\n")
        if self._as:
            shutil.chown(pwfile, "postgres", "postgres")
        os.chmod(pwfile, 0o600)
        try:
            self._run(str(self.bindir / "initdb"), *common, "--auth-host=scram-sha-256", "--auth-local=peer",
                      f"--pwfile={pwfile}")
        finally:
            pwfile.unlink()

    def _start(self) -> "PostgresServer":
        self._initdb()
        for attempt in range(3):  # a port found free can be taken before the server binds it
            self.port = _free_port()
            try:
                self.resume()
                return self
            except RuntimeError:
                if attempt == 2:
                    raise
        return self

    def _options(self) -> str:
        return (f"-h 127.0.0.1 -p {self.port} -k {self.folder} -F "
                "-c max_connections=200 -c full_page_writes=off -c synchronous_commit=off")

    def pause(self) -> None:
        """Stop the server as an outage would (every session ended at once), keeping its data."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def resume(self) -> None:
        """Start a paused server again, on the same port."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"),
                  "-w", "-t", "60", "-o", self._options(), "start")

    def url(self, database: str = "postgres", *, role: str = "postgres", password: str = "") -> str:
        login = f"{role}:{password}" if password else role
        return f"postgresql+psycopg2://{login}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres"):
        """A psycopg2 connection as the superuser, over TCP (autocommit)."""
        import psycopg2

        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=database,
                                      password=self.superuser_password or None)
        connection.autocommit = True
        return connection

    def create_database(self, prefix: str = "gradebook") -> str:
        """A new, empty database; returns its SQLAlchemy URL.

        With ``passwords`` the database is owned by a new login role of the same name with a
        generated password, which the URL carries; no other role may connect to it (the
        superuser aside). Otherwise the superuser owns it and the URL has no password.
        """
        name = f"{prefix}_{next(self._names)}"
        password = secrets.token_hex(16) if self.passwords else ""
        connection = self.connect()
        try:
            with connection.cursor() as cursor:
                if password:  # names are ours (prefix_N), the password hex: nothing to quote
                    cursor.execute(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{password}'")
                    cursor.execute(f'CREATE DATABASE "{name}" OWNER "{name}"')
                    cursor.execute(f'REVOKE CONNECT, TEMPORARY ON DATABASE "{name}" FROM PUBLIC')
                else:
                    cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()
        return self.url(name, role=name, password=password) if password else self.url(name)

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
