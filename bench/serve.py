"""Start `streamlit run` on a free loopback port and wait for /_stcore/health: shared by the browser
tests and the benchmarks, so both measure the app exactly as a user gets it."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

from deploy.ports import free_port

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--disable-gpu", "--disable-quic", "--no-sandbox", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
INSTALL_HINT = ("apt-get install -y --no-install-recommends chromium-headless-shell (Debian's headless Chromium; "
                "no browser download is used)")


def chromium_path() -> Optional[str]:
    """Debian's Chromium: its headless shell first (the same engine without the desktop browser around it, which
    Playwright itself runs headless; a page load takes a fifth less time and CPU), else the whole browser."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium-headless-shell", "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def wait_healthy(base: str, proc: subprocess.Popen, log: Path, timeout: float = 60.0) -> float:
    """Seconds until /_stcore/health answers ok."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return time.perf_counter() - start
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"{base} not healthy after {timeout:.0f} s")


PIDS: dict[str, int] = {}  # base URL -> the server's process id, while it runs (its CPU time is read from /proc)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def streamlit_server(script: Path = ROOT / "app.py", port: Optional[int] = None, args: Sequence[str] = (),
                     env: Optional[Mapping[str, str]] = None) -> Iterator[tuple[str, float]]:
    """Yields (base URL, seconds from launch to healthy); the server stops afterwards. `args` go to
    `streamlit run` (such as --secrets.files), `env` over this process's environment."""
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    log = Path(tempfile.mkstemp(prefix="streamlit-", suffix=".log")[1])
    with log.open("wb") as sink:  # a file, not a pipe: a chatty server can never block on a full pipe
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
             *args],
            cwd=script.parent, stdout=sink, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
        )
    try:
        started = wait_healthy(base, proc, log)
        PIDS[base] = proc.pid
        yield base, started
    finally:
        PIDS.pop(base, None)
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.unlink(missing_ok=True)
