#!/usr/bin/env bash
# The whole test suite on a fresh machine: a virtual environment, both requirements files,
# Debian's Chromium for the browser tests (never a browser download), then ruff, mypy and pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${VENV:-.venv}"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing Debian's chromium for the browser tests" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    echo "test.sh: no chromium; the browser tests will skip (install: apt-get install -y --no-install-recommends chromium)" >&2
  fi
fi

# Lint and types first (quick, and a failure names the line); then every test.
"$VENV/bin/python" -m ruff check .
"$VENV/bin/python" -m mypy
exec "$VENV/bin/python" -m pytest "$@"
