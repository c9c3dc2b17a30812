"""Which tests run together on one pytest-xdist worker (pyproject: -n, --dist loadgroup): the scheduler hook is
registered by tests/conftest.py; kept apart from it, with no heavy import, so tests/test_suite_groups.py can run it."""
from __future__ import annotations

# With pytest-xdist's workers (pyproject: -n, --dist loadgroup), the tests of one group run on one worker, one at a
# time: the real-browser tests share one app server and one Chromium, and the cluster tests (HAProxy, replicas,
# PostgreSQL) share ports and mostly wait on servers, as the fresh clone's install waits on its downloads.
# Everything else is spread over the workers.
GROUPS = {"tests/browser/test_cluster.py": "cluster", "tests/test_cluster_lifecycle.py": "cluster",
          "tests/test_setup.py": "setup", "tests/browser/": "browser"}


def group_of(nodeid: str) -> str | None:
    return next((g for prefix, g in GROUPS.items() if nodeid.startswith(prefix)), None)


def pytest_xdist_make_scheduler(config, log):
    """xdist's own loadgroup reads a test's group from a suffix it writes into the test's id, which pytest 9.2 no
    longer lets it write (pytest-xdist issue 1386): the groups were silently ignored, every worker starting its own
    app servers and Chromium. Its scheduler by scope, with the scope read from GROUPS, does what loadgroup meant."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByGroup(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid) or nodeid

    return ByGroup(config, log)
