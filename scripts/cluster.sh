#!/usr/bin/env bash
# Two app replicas behind HAProxy with one PostgreSQL, all on loopback (see deploy/cluster.py).
#   bash scripts/cluster.sh up     # starts them; the last line printed is the balancer's URL
#   bash scripts/cluster.sh down   # stops what `up` started
# Uses the project's .venv (created and filled from requirements.txt when missing); PostgreSQL and HAProxy are
# Debian's packages (installed with apt-get when missing and run as root).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt
if [ "${1:-}" = "up" ]; then
  missing=()
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
  command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
  if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "cluster: installing Debian's ${missing[*]}" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi
exec "$VENV/bin/python" -m deploy.cluster "$@"
