"""The tests' cluster start tries other ports when one is taken between the look and the start (it failed a CI
run once: PostgreSQL 'could not bind ... Address already in use'); any other failure is said at once."""
import pytest

from deploy import cluster
from tests import clusters


def test_a_port_taken_at_the_start_is_tried_elsewhere_and_other_failures_are_not(tmp_path, monkeypatch):
    tried: list[int] = []

    def up(folder, base):
        tried.append(base)
        if len(tried) == 1:
            raise RuntimeError('pg_ctl failed (exit 1): could not bind IPv4 address "127.0.0.1": Address already in use')
        return "running"

    monkeypatch.setattr(cluster, "up", up)
    assert clusters.up_somewhere(tmp_path / "c") == ("running", tried[-1]) and len(tried) == 2

    def broken(folder, base):
        raise RuntimeError("initdb failed (exit 1): the folder cannot be reached")

    monkeypatch.setattr(cluster, "up", broken)
    with pytest.raises(RuntimeError, match="cannot be reached"):
        clusters.up_somewhere(tmp_path / "d")
