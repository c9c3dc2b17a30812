"""A whole cluster for a test, on ports below the kernel's client range that nothing listens on."""
from __future__ import annotations

import random
import shutil
from pathlib import Path

from deploy import cluster
from deploy.ports import in_use

TRIES = 3


def free_base() -> int:
    """A first port whose cluster ports are all free now; below 32768, where the kernel hands out ports to
    clients (one may hold a port that nothing listens on)."""
    return next(p for p in (random.randrange(20_000, 32_000, 40) for _ in range(50))
                if not any(in_use(port) for port in cluster.ports_of(p).values()))


def up_somewhere(folder: Path) -> tuple[cluster.Cluster, int]:
    """cluster.up on free ports; a port taken between the look and the start (another test's server on this
    host) is tried again elsewhere, at most TRIES times."""
    for attempt in range(1, TRIES + 1):
        base = free_base()
        try:
            return cluster.up(folder, base), base
        except (RuntimeError, SystemExit) as exc:  # PostgreSQL's bind, or up's own look at the ports
            if "already in use" not in str(exc) or attempt == TRIES:
                raise
            shutil.rmtree(folder, ignore_errors=True)  # up stopped what it had started
    raise AssertionError("unreachable")
