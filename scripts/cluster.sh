#!/usr/bin/env bash
# Two app replicas behind HAProxy with one PostgreSQL and a demo sign-in provider, all on loopback (deploy/cluster.py).
#   bash scripts/cluster.sh up      # starts them (or, already up, what has stopped); the last line is the app's URL
#   bash scripts/cluster.sh down    # stops them; PostgreSQL's data is kept in data/cluster/postgres for the next up
#   bash scripts/cluster.sh purge   # deletes that data (the cluster must be down); says what it deletes
#   bash scripts/cluster.sh status  # each part, up or DOWN (exit 0 all up, 1 one down, 3 the cluster down)
# A team's deployment (docs/register.md): CLUSTER_SECRETS=its [auth] and [roles], CLUSTER_BIND=0.0.0.0,
# CLUSTER_TLS=certificate and key in one PEM; without them, a demo on loopback with the demo sign-in provider.
# `up` uses the project's .venv (created when missing, filled from requirements-dev.lock with its hashes); PostgreSQL and HAProxy are Debian's packages
# (installed with apt-get when missing and run as root). The other commands only stop or look: nothing installed.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
if [ "${1:-}" = "up" ]; then
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-compile --require-hashes -r requirements-dev.lock
  # this project, editable, as run.sh does: `python -m policy` then finds the register (docs/architecture.md)
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
  missing=()
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
  command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
  if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "cluster: installing Debian's ${missing[*]}" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi
PYTHON="$VENV/bin/python"
[ -x "$PYTHON" ] || PYTHON=python3  # down, purge or status on a checkout that never ran up: nothing to import but ours
exec "$PYTHON" -m deploy.cluster "$@"
