#!/usr/bin/env bash
# Run the app on a fresh machine: a virtual environment in .venv (Debian's and Ubuntu's own python3 refuses
# a system-wide pip install, PEP 668), the app's locked requirements (requirements.lock: every package with its
# hashes; bash scripts/lock.sh updates it), then `streamlit run app.py`. Extra arguments go to
# streamlit: bash scripts/run.sh --server.port 8502
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV" || { echo "run.sh: python3 cannot make a virtual environment; on Debian or Ubuntu:" \
    "sudo apt-get install python3-venv" >&2; exit 1; }
fi
# --no-compile: Python compiles a module when it is first imported; pip would compile every file of every
# package (half of a fresh setup's time, most of it never imported by the app).
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-compile --require-hashes -r requirements.lock
# This project itself, editable: its command `refund-policy` and the entry point by which the command line
# reads the register (policy/ imports nothing of store/). Built with the locked setuptools already installed
# (--no-build-isolation): pip would otherwise download a build backend without checking its hash.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
exec "$VENV/bin/python" -m streamlit run app.py "$@"
