"""The tests' cluster start tries other ports when one is taken between the look and the start (it failed a CI
run once: PostgreSQL 'could not bind ... Address already in use'); any other failure is said at once."""
import pytest

from deploy import cluster
from tests import clusters


def test_a_port_taken_at_the_start_is_tried_elsewhere_and_other_failures_are_not(tmp_path, monkeypatch):
    for taken in (RuntimeError('pg_ctl failed (exit 1): could not bind IPv4 address "127.0.0.1": Address already in use'),
                  SystemExit("cluster: port(s) already in use: replica a (20001). Nothing was started")):  # up's look
        tried: list[int] = []

        def up(folder, base, taken=taken, tried=tried):
            tried.append(base)
            if len(tried) == 1:
                raise taken
            return "running"

        monkeypatch.setattr(cluster, "up", up)
        assert clusters.up_somewhere(tmp_path / type(taken).__name__) == ("running", tried[-1]) and len(tried) == 2

    def broken(folder, base):
        raise RuntimeError("initdb failed (exit 1): the folder cannot be reached")

    monkeypatch.setattr(cluster, "up", broken)
    with pytest.raises(RuntimeError, match="cannot be reached"):
        clusters.up_somewhere(tmp_path / "d")


def test_stopping_a_process_that_exited_but_is_not_reaped_returns_at_once():
    """`down` runs in another process than the `up` that started the cluster, so what it stops lingers as a
    zombie until init reaps it, and kill(pid, 0) answers for a zombie: each of six processes waited 2 s."""
    import subprocess
    import time

    # a child of a shell that execs into a process that never reaps it: a zombie that is not ours
    holder = subprocess.Popen(["sh", "-c", "sleep 0.1 & echo $!; exec sleep 30"], stdout=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        zombie = int(holder.stdout.readline())
        deadline = time.monotonic() + 5
        while not cluster.gone(zombie) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert cluster.gone(zombie)
        started = time.monotonic()
        cluster.kill(zombie)
        assert time.monotonic() - started < 0.5
        assert not cluster.gone(holder.pid)  # a live process is not gone
        assert not cluster.gone(holder.pid, group=True)  # nor a group with one alive in it, beside its zombie
        holder.kill()
        holder.wait()
        assert cluster.gone(holder.pid, group=True)  # what is left of it (the zombie, if not yet reaped) is gone
    finally:
        holder.kill()
        holder.wait()
