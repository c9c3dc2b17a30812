"""`python -m policy ARGS` run in this process: `policy.cli.main(argv, catalog=...)` with its own standard input,
output and error. A subprocess imports pandas, SQLAlchemy and Alembic anew each time (most of the suite's time
once); a few smoke tests in tests/test_cli.py still run the real command."""
from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Optional, Union

from policy.cli import main
from policy.versions import Catalog, shipped_catalog


@dataclass(frozen=True)
class Ran:
    """What a subprocess.CompletedProcess gives the tests: the exit status and both streams as text."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(args: Sequence[object], stdin: Union[str, bytes] = "",
            catalog: Optional[Callable[[], Catalog]] = shipped_catalog) -> Ran:
    """`catalog`: where the versions beyond the shipped ones come from; by default none (the register unseen)."""
    data = stdin.encode() if isinstance(stdin, str) else stdin
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main([str(a) for a in args], catalog=catalog)
            except SystemExit as exc:  # argparse's --help
                code = exc.code if isinstance(exc.code, int) else 0
    finally:
        sys.stdin = saved
    return Ran(code, out.getvalue(), err.getvalue())
