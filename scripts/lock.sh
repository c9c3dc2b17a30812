#!/usr/bin/env bash
# Update the lock files after changing requirements.txt or requirements-dev.txt (or, with --upgrade, to take
# newer releases of what is not pinned there): every package, transitive ones too, pinned with its hashes, for
# Linux x86_64 and Python 3.11. scripts/run.sh installs requirements.lock (the app), scripts/test.sh and CI
# requirements-dev.lock (the app and the tests), both with `pip install --require-hashes`.
# Uses uv (pinned in requirements-dev.txt) from .venv; a lock keeps every version it already has unless the
# requirements ask otherwise or --upgrade is given. Extra arguments go to `uv pip compile`.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m uv --version >/dev/null 2>&1 ||
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$(grep -E '^uv==' requirements-dev.txt | cut -d' ' -f1)"

# The inputs' digest, written into each lock: tests/test_setup.py checks that a lock was made from the
# requirements as they are now.
inputs_digest() { cat "$@" | sha256sum | cut -d' ' -f1; }

compile() {  # compile OUTPUT INPUT...
  local out=$1; shift
  UV_CUSTOM_COMPILE_COMMAND="bash scripts/lock.sh" "$VENV/bin/python" -m uv pip compile --quiet \
    --generate-hashes --python-version 3.11 --python-platform x86_64-manylinux_2_28 \
    --index-url https://pypi.org/simple --no-config "${LOCK_ARGS[@]}" "$@" -o "$out"
  local body; body=$(grep -v '^# inputs-sha256: ' "$out")
  { echo "# inputs-sha256: $(inputs_digest "$@") ($*)"; echo "$body"; } > "$out"
  echo "lock.sh: $out: $(grep -c '^[A-Za-z0-9]' "$out") packages, each with its hashes" >&2
}

LOCK_ARGS=("$@")
compile requirements.lock requirements.txt
compile requirements-dev.lock requirements.txt requirements-dev.txt
