"""A PostgreSQL server from Debian's package, on a loopback port: for the tests (throwaway) and the local cluster
(its data kept in a named folder across `down` and `up`). Run as the `postgres` user when started by root
(initdb refuses root).

Least privilege: no connection is trusted. Every one needs a password (scram-sha-256), including the server's
own socket; the app connects as `refunds`, which owns its database (and so the `public` schema the migrations
build in) and nothing else: not a superuser, no new roles or databases, so it cannot run programs on the server
(`COPY ... TO PROGRAM` needs a superuser). The administrator role is used only to make databases.
"""
from __future__ import annotations

import glob
import json
import os
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .ports import free_port

USER = "refunds"  # the app's role
ADMIN = "refunds_admin"  # the server's superuser: makes databases, never used by the app
DATABASE = "refunds"
CREDENTIALS = "credentials.json"  # in the server's folder, readable by its owner only


def binaries() -> Optional[Path]:
    """The newest installed server's bin folder (/usr/lib/postgresql/<major>/bin), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def _as_owner(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _own(path: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")


@dataclass
class Server:
    folder: Path
    port: int
    bin: Path
    password: str = ""  # the app role's
    admin_password: str = ""
    durable: bool = False  # fsync on: a deployment's data survives a crash (the tests' throwaway servers skip it)

    def url_of(self, database: str = DATABASE, admin: bool = False) -> str:
        user, password = (ADMIN, self.admin_password) if admin else (USER, self.password)
        return f"postgresql+psycopg://{user}:{password}@127.0.0.1:{self.port}/{database}"

    @property
    def url(self) -> str:
        """The app's: its own role, its own database."""
        return self.url_of()

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def _run(self, *args: str) -> None:
        done = subprocess.run(_as_owner([*args]), capture_output=True, timeout=120)
        if done.returncode != 0:  # say why: the server's own words (a folder `postgres` cannot reach, a port...)
            said = (done.stderr or done.stdout).decode(errors="replace").strip().splitlines()[-3:]
            raise RuntimeError(f"{Path(args[0]).name} failed (exit {done.returncode}): {' / '.join(said)}")

    def running(self) -> bool:
        return subprocess.run(_as_owner([str(self.bin / "pg_ctl"), "-D", str(self.data), "status"]),
                              capture_output=True, timeout=30).returncode == 0

    def start(self) -> None:
        log = self.folder / "server.log"
        fast = "" if self.durable else "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 {fast}-c max_connections=200"
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(log), "-o", options, "-w", "start")
        except RuntimeError as exc:  # pg_ctl only says "examine the log": say what the log says
            said = log.read_text(errors="replace").strip().splitlines()[-4:] if log.is_file() else []
            raise RuntimeError(" / ".join([str(exc), *(line.split("] ", 1)[-1] for line in said)])) from None

    def stop(self) -> None:
        """Stop the server; its data stays in its folder."""
        if self.data.is_dir() and self.running():
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        """Stop, and delete the folder with every database in it."""
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def create_database(self, name: str) -> str:
        """A new empty database owned by the app's role; the app's URL for it."""
        import sqlalchemy

        admin = sqlalchemy.create_engine(self.url_of("postgres", admin=True), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as c:
                c.exec_driver_sql(f'CREATE DATABASE "{name}" OWNER {USER}')
        finally:
            admin.dispose()
        return self.url_of(name)

    def save(self) -> None:
        path = self.folder / CREDENTIALS
        path.write_text(json.dumps({"port": self.port, "password": self.password,
                                    "admin_password": self.admin_password}))
        path.chmod(0o600)

    @classmethod
    def kept(cls, folder: Path) -> Optional[Server]:
        """The server whose data and credentials are kept in `folder`, or None."""
        bin = binaries()
        path = folder / CREDENTIALS
        if bin is None or not path.is_file() or not (folder / "data" / "PG_VERSION").is_file():
            return None
        found = json.loads(path.read_text())
        return cls(folder, found["port"], bin, found["password"], found["admin_password"])


def start(folder: Optional[Path] = None, port: Optional[int] = None, durable: bool = False) -> Server:
    """A running server: a new one with an empty database `refunds` owned by the app's role, or, where `folder`
    holds one already (the cluster's after `down`), that one started again with its data."""
    bin = binaries()
    if bin is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install -y postgresql)")
    folder = Path(folder or tempfile.mkdtemp(prefix="refunds-pg-"))
    existing = Server.kept(folder)
    if existing is not None:
        if port is not None:
            existing.port = port
        existing.durable = durable
        existing.start()
        return existing
    folder.mkdir(parents=True, exist_ok=True)
    _own(folder)
    folder.chmod(0o700)
    server = Server(folder, port or free_port(), bin, secrets.token_urlsafe(24), secrets.token_urlsafe(24), durable)
    secret = folder / "admin.pw"
    secret.write_text(server.admin_password + "\n")
    _own(secret)
    secret.chmod(0o600)
    try:
        server._run(str(bin / "initdb"), "-D", str(server.data), "-U", ADMIN, "--pwfile", str(secret),
                    "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "--no-sync", "-E", "UTF8")
    finally:
        secret.unlink(missing_ok=True)
    server.start()
    import sqlalchemy

    admin = sqlalchemy.create_engine(server.url_of("postgres", admin=True), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            # DDL takes no bound parameters; the password is ours, of token_urlsafe's alphabet (no quote in it)
            c.exec_driver_sql(f"CREATE ROLE {USER} LOGIN PASSWORD '{server.password}' NOSUPERUSER NOCREATEDB "
                              "NOCREATEROLE NOREPLICATION")
    finally:
        admin.dispose()
    server.create_database(DATABASE)
    server.save()
    return server

