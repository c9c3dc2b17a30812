"""Shared fixtures: the register's database, SQLite and a real PostgreSQL server alike (never mocked).

PostgreSQL is Debian's package, started here as a throwaway server on a loopback port. Without it the
PostgreSQL cases skip with the install command; with REQUIRE_POSTGRES=1 (CI) a missing server fails the run.
"""
import atexit
import functools
import itertools
import os
import shutil
import tempfile

import pytest
from hypothesis import settings
from streamlit.components.v2 import manifest_scanner

from tests.groups import pytest_xdist_make_scheduler  # noqa: F401  (registers the suite's groups: tests/groups.py)

# AppTest scans every installed package's metadata for Streamlit components on each new AppTest's first run: 0.24 s
# of the 0.27 s it takes to open a page (the page's own run: 0.03 s), so most of the page tests' time. What is
# installed does not change during a run: scanned once per test process. The scan itself is Streamlit's.
_scan_once = functools.cache(manifest_scanner.scan_component_manifests)
manifest_scanner.scan_component_manifests = lambda max_workers=None: list(_scan_once())

# Every server and page these tests start writes its default SQLite register here, not into the checkout; removed
# when the test process ends (its servers are stopped by then).
if "REFUND_DATA_DIR" not in os.environ:
    os.environ["REFUND_DATA_DIR"] = tempfile.mkdtemp(prefix="refunds-test-data-")
    atexit.register(shutil.rmtree, os.environ["REFUND_DATA_DIR"], ignore_errors=True)
os.environ.pop("REFUND_DATABASE_URL", None)

# Hypothesis: one profile for the whole suite. In CI (CI=true) derandomised: the same examples on every run, so a
# landing never depends on the draw; elsewhere random, to keep finding new cases.
settings.register_profile("dev", max_examples=300, deadline=None)
settings.register_profile("ci", max_examples=300, deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")

INSTALL_POSTGRES = "apt-get install -y --no-install-recommends postgresql"
_databases = itertools.count(1)


@pytest.fixture(scope="session")
def postgres():
    from deploy import postgres

    if postgres.binaries() is None:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL tests must run here but no server is installed: {INSTALL_POSTGRES}")
        pytest.skip(f"no PostgreSQL installed; to run these cases: {INSTALL_POSTGRES}")
    server = postgres.start()
    yield server
    server.remove()


def fresh_postgres_url(server) -> str:
    """A new empty database on the session's server, owned by the app's role: each test starts from nothing."""
    return server.create_database(f"test_{os.getpid()}_{next(_databases)}")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'register' / 'quotes.sqlite'}"
    return fresh_postgres_url(request.getfixturevalue("postgres"))


@pytest.fixture
def store(database_url):
    """The register on that database, migrated, closed after the test."""
    from store import QuoteStore

    opened = QuoteStore.open(database_url)
    yield opened
    opened.engine.dispose()
