"""python -m bench [--only SECTION ...] [--quick]: measure, print, and write docs/benchmarks.md."""
from __future__ import annotations

import argparse
import sys

from . import app, batch, browser, engine, register
from .report import DOC, table, write

SECTIONS = {"engine": engine.run, "batch": batch.run, "app": app.run, "browser": browser.run, "register": register.run}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", nargs="+", choices=list(SECTIONS), help="run only these sections")
    parser.add_argument("--quick", action="store_true", help="fewer runs and a smaller batch (a smoke run)")
    parser.add_argument("--no-write", action="store_true", help=f"print only; leave {DOC.name} alone")
    args = parser.parse_args()
    figures = []
    for name in args.only or list(SECTIONS):
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        figures += SECTIONS[name](quick=args.quick)
    print(table(figures))
    if not args.no_write:
        # a partial run writes its own file: the full run's figures in benchmarks.md stay one run's
        doc = DOC if not args.only else DOC.with_name(f"benchmarks-{'-'.join(args.only)}.md")
        write(figures, args.quick, doc)
        print(f"\nwritten to {doc}", file=sys.stderr)
    return 0 if all(f.met is not False for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
