"""A throwaway PostgreSQL server from Debian's package: initdb into a folder, pg_ctl start on a loopback port,
stop and remove when done. Run as the `postgres` user when started by root (initdb refuses root)."""
from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .ports import free_port

USER = "refunds"
DATABASE = "refunds"


def binaries() -> Optional[Path]:
    """The newest installed server's bin folder (/usr/lib/postgresql/<major>/bin), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def _as_owner(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@dataclass
class Server:
    folder: Path
    port: int
    bin: Path

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{DATABASE}"

    def _run(self, *args: str) -> None:
        subprocess.run(_as_owner([*args]), check=True, capture_output=True, timeout=120)

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def start(folder: Optional[Path] = None, port: Optional[int] = None) -> Server:
    """A running server with an empty database `refunds`, trusted for user `refunds` on 127.0.0.1 only."""
    bin = binaries()
    if bin is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install -y postgresql)")
    folder = Path(folder or tempfile.mkdtemp(prefix="refunds-pg-"))
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    server = Server(folder, port or free_port(), bin)
    data, log = folder / "data", folder / "server.log"
    server._run(str(bin / "initdb"), "-D", str(data), "-U", USER, "-A", "trust", "--no-sync", "-E", "UTF8")
    options = (f"-p {server.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
    server._run(str(bin / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start")
    server._run(str(bin / "createdb"), "-h", "127.0.0.1", "-p", str(server.port), "-U", USER, DATABASE)
    return server
