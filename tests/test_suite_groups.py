"""The suite's own scheduling (tests/groups.py): the tests of a group run on one worker, everything else spreads.
With pytest 9.2, xdist's loadgroup silently spread every group over all workers (pytest-xdist issue 1386): three app
servers and three Chromiums at once on two cores. One small suite, run as the real one is, says where each test ran."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CONFTEST = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from tests.groups import pytest_xdist_make_scheduler  # noqa: F401  (the hook under test, as the suite uses it)
"""
RECORD = """
import os, pytest
@pytest.mark.parametrize("n", range(6))
def test_where(n, tmp_path_factory):
    with open(os.environ["WHERE"], "a") as f:
        f.write(f"{__name__} {os.environ['PYTEST_XDIST_WORKER']}\\n")
"""


def test_the_browser_group_runs_on_one_worker_and_the_other_tests_spread(tmp_path):
    (tmp_path / "tests" / "browser").mkdir(parents=True)
    (tmp_path / "conftest.py").write_text(CONFTEST)
    for name in ("tests/browser/test_one.py", "tests/browser/test_two.py", "tests/test_plain.py",
                 "tests/test_other.py"):
        (tmp_path / name).write_text(RECORD)
    where = tmp_path / "where.txt"
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "3", "--dist", "loadgroup", "-p",
                           "no:cacheprovider", "-c", "/dev/null", "--rootdir", str(tmp_path), "tests"],
                          cwd=tmp_path, env={"WHERE": str(where), "PATH": "/usr/bin:/bin"}, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    ran: dict[str, set[str]] = {}
    for line in where.read_text().splitlines():
        module, worker = line.split()
        ran.setdefault(module, set()).add(worker)
    assert len(ran["test_one"] | ran["test_two"]) == 1, ran  # both browser files, all twelve tests: one worker
    assert len(ran["test_plain"] | ran["test_other"]) > 1, ran
