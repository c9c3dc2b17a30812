"""A replica's readiness, for the balancer's health check: `python -m deploy.ready PORT REPLICA_PORT`, with
REFUND_DATABASE_URL set as for the replica.

Streamlit's own /_stcore/health says only that its server answers; a replica whose database is gone still says
"ok" there. This answers 200 on GET /ready only when both the replica and its database answer, and 503 (with
which one did not) otherwise, so HAProxy sends new visitors to a replica that can save. When no replica's database
answers, HAProxy falls back to the same replicas listed as backups (checked on Streamlit's port alone): the public
pages go on quoting under the catalog they last loaded, and the register's pages say the database is unreachable.
"""
from __future__ import annotations

import json
import os
import sys
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlalchemy import make_url

TIMEOUT = 1.5  # seconds for each answer: HAProxy checks every 500 ms and gives a check 2 s


def app_answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=TIMEOUT) as r:
            return r.status == 200
    except OSError:
        return False


def database_answers(url: str) -> bool:
    import psycopg

    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(conninfo, connect_timeout=int(TIMEOUT) or 1) as connection:
            connection.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def handler(replica_port: int, database_url: str) -> type[BaseHTTPRequestHandler]:
    class Ready(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/ready":
                self.send_error(404)
                return
            found = {"app": app_answers(replica_port), "database": database_answers(database_url)}
            body = json.dumps(found).encode()
            self.send_response(200 if all(found.values()) else 503)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args) -> None:  # every 500 ms: not worth a line each
            pass

    return Ready


class Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """HAProxy reads the status and closes: the body's write then fails, every check. Not an error."""
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


def main(argv: list[str]) -> int:
    port, replica_port = int(argv[0]), int(argv[1])
    server = Server(("127.0.0.1", port), handler(replica_port, os.environ["REFUND_DATABASE_URL"]))
    server.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
