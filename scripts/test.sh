#!/usr/bin/env bash
# The whole test suite on a fresh machine: a virtual environment, the locked requirements of the app and the tests
# (requirements-dev.lock: every package with its hashes; bash scripts/lock.sh updates it),
# Debian's Chromium for the browser tests (never a browser download), then ruff, mypy and pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${VENV:-.venv}"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
# This project itself, editable: its command `refund-policy` and the entry point by which the command line
# reads the register (policy/ imports nothing of store/). Built with the locked setuptools already installed
# (--no-build-isolation): pip would otherwise download a build backend without checking its hash.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .

# What a bare machine lacks, from Debian's packages (never a download): Chromium for the browser tests,
# PostgreSQL for the register's tests against a real server, HAProxy for the two-replica cluster test.
missing=()
[ -x /usr/bin/chromium-headless-shell ] || missing+=(chromium-headless-shell)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing Debian's ${missing[*]}" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "test.sh: missing ${missing[*]}; their tests will skip (install: apt-get install -y --no-install-recommends ${missing[*]})" >&2
  fi
fi

# Lint and types first (quick, and a failure names the line); then every test.
"$VENV/bin/python" -m ruff check .
"$VENV/bin/python" -m mypy
exec "$VENV/bin/python" -m pytest "$@"
