"""A real OpenID Connect provider on loopback, for the sign-in tests and the local cluster: `oidc-provider-mock`
(PyPI), which serves discovery, keys, the authorization page (a button per predefined user) and tokens. Also
the `[auth]` and `[roles]` secrets that point the app at it.

It is a test provider: anyone who reaches its page may sign in as any listed user. A real deployment points
`[auth]` at its own provider (README: Sign-in and roles).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .ports import free_port

# One demo user per role, each given it by another route of [roles]: a domain, an address, a token claim.
DEMO_USERS: tuple[dict, ...] = (
    {"sub": "sam", "email": "sam@sales.example.com", "name": "Sam Sales"},
    {"sub": "olive", "email": "olive@example.com", "name": "Olive Ops"},
    {"sub": "ari", "email": "ari@example.com", "name": "Ari Author", "groups": ["author"]},
    {"sub": "ada", "email": "ada@example.com", "name": "Ada Admin"},
    {"sub": "cleo", "email": "cleo@client.example.org", "name": "Cleo Client"},  # signed in, no staff role
)
DEMO_ROLES: dict = {
    "claim": "groups",
    "sales": ["@sales.example.com"],
    "sales-ops": ["olive@example.com"],
    "admin": ["ada@example.com"],
}
DEMO_BY_ROLE = {"sales": "sam", "sales-ops": "olive", "author": "ari", "admin": "ada", "none": "cleo"}


@dataclass
class Provider:
    port: int
    pid: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        from .cluster import kill

        kill(self.pid, group=True)


MISSING = ("the demo provider's package (oidc-provider-mock) is one of the tests' requirements, which command 1 "
           "does not install: with .venv made (README command 1 or 2), run `.venv/bin/python -m pip install "
           "--require-hashes -r requirements-dev.lock`, then `.venv/bin/python -m deploy.oidc` (docs/sign-in.md)")
SAID_LINES = 2  # of the provider's own output, in the error of a start that failed


def start(port: Optional[int] = None, log: Optional[Path] = None, users: tuple[dict, ...] = DEMO_USERS) -> Provider:
    if importlib.util.find_spec("oidc_provider_mock") is None:
        raise RuntimeError(MISSING)
    port = port or free_port()
    args = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    for user in users:
        args += ["--user-claims", json.dumps(user)]
    # its output goes to `log`, or to a file of its own: a start that fails says why (it said "port taken?" of a
    # package not installed, its own words thrown away: a walkthrough)
    out = log or Path(tempfile.mkstemp(prefix="oidc-provider-", suffix=".log")[1])
    try:
        with out.open("ab") as sink:
            proc = subprocess.Popen(args, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
        provider = Provider(port, proc.pid)
        try:
            return _answering(provider, proc, out)
        except BaseException:  # a start that fails, or a stop (SIGTERM, Ctrl-C) while it waits, leaves none running
            provider.stop()
            raise
    finally:
        if log is None:  # a file of its own only to say why a start failed (its output goes on, unnamed, until it ends)
            out.unlink(missing_ok=True)


def _answering(provider: Provider, proc: subprocess.Popen, out: Path) -> Provider:
    """The provider once it answers; its own last words if it ends first."""
    end = time.monotonic() + 30
    while time.monotonic() < end:
        if proc.poll() is not None:
            said = out.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-SAID_LINES:]
            raise RuntimeError(f"the OIDC test provider on port {provider.port} exited with {proc.returncode}: "
                               + (" / ".join(said) or "it said nothing"))
        try:
            with urllib.request.urlopen(f"{provider.url}/.well-known/openid-configuration", timeout=1):
                return provider
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"the OIDC test provider on port {provider.port} did not answer within 30 s")


def secrets_toml(app_url: str, provider_url: str, roles: Optional[dict] = None) -> str:
    """The app's secrets for sign-in through `provider_url`, served at `app_url` (a fresh cookie secret)."""
    roles = DEMO_ROLES if roles is None else roles
    lines = ["[auth]", f'redirect_uri = "{app_url}/oauth2callback"', f'cookie_secret = "{secrets.token_hex(32)}"',
             'client_id = "refund-policy-explorer"', f'client_secret = "{secrets.token_hex(16)}"',
             f'server_metadata_url = "{provider_url}/.well-known/openid-configuration"', "", "[roles]"]
    lines += [f"{json.dumps(key)} = {json.dumps(value)}" for key, value in roles.items()]
    return "\n".join(lines) + "\n"


SECRETS = Path(".streamlit") / "secrets.toml"


def serve(port: int, app_url: str, secrets_path: Path, users: tuple[dict, ...] = DEMO_USERS,
          roles: Optional[dict] = None) -> Provider:
    """The demo provider started on `port`, and the app's secrets for it written to `secrets_path` (a file there is
    never overwritten: it may be a real deployment's)."""
    if secrets_path.exists():
        raise FileExistsError(f"{secrets_path} exists: move it aside, or give --secrets another path")
    provider = start(port, users=users)
    try:
        secrets_path.parent.mkdir(parents=True, exist_ok=True)
        partial = secrets_path.with_name(secrets_path.name + ".part")
        partial.write_text(secrets_toml(app_url.rstrip("/"), provider.url, roles), encoding="utf-8")
        partial.replace(secrets_path)
    except BaseException:
        provider.stop()
        raise
    return provider


ROLES_GIVEN = ("sales", "sales-ops", "author", "admin", "none")


def person(value: str) -> tuple[str, str]:
    """--user's EMAIL=ROLE (a walkthrough wanted its own Riley in sales and Sam in sales-ops, and wrote the secrets and
    started the provider by hand)."""
    email, _, role = value.partition("=")
    email, role = email.strip(), role.strip().casefold()
    if email.count("@") != 1 or not all(email.split("@")) or " " in email or role not in ROLES_GIVEN:
        raise argparse.ArgumentTypeError(f"{value!r} must be EMAIL=ROLE, ROLE one of {', '.join(ROLES_GIVEN)} "
                                         "(e.g. riley@example.com=sales)")
    return email, role


def with_people(people: list[tuple[str, str]]) -> tuple[tuple[dict, ...], dict]:
    """The demo users and roles, and each person given: a user named by their address, their address in their role."""
    roles = {key: list(value) if isinstance(value, list) else value for key, value in DEMO_ROLES.items()}
    users = list(DEMO_USERS)
    for email, role in people:
        local = email.split("@")[0]
        users.append({"sub": email, "email": email, "name": local.replace(".", " ").title()})
        if role != "none":
            roles.setdefault(role, []).append(email)
    return tuple(users), roles


def main(argv: list[str]) -> int:
    """Sign-in on one computer, to try the roles: the docs named this provider and never said how to start it with its
    demo users (a walkthrough passed each user's claims by hand)."""
    parser = argparse.ArgumentParser(
        prog="python -m deploy.oidc",
        description="Start the demo OpenID Connect provider on loopback (for trying sign-in only: anyone who reaches "
                    "its page may sign in as any demo user) and write the app's [auth] and [roles] secrets for it. "
                    "Then run the app (README, command 1); Ctrl-C stops the provider.")
    parser.add_argument("--port", type=int, default=8620, help="the provider's port (default 8620)")
    parser.add_argument("--app", default="http://localhost:8501",
                        help="the address the browser opens the app at (default http://localhost:8501)")
    parser.add_argument("--secrets", type=Path, default=SECRETS, help=f"where to write them (default {SECRETS})")
    parser.add_argument("--user", action="append", default=[], type=person, metavar="EMAIL=ROLE",
                        help="one more person to sign in as, with a role: sales, sales-ops, author, admin or none "
                             "(e.g. --user riley@example.com=sales); may be given again")
    args = parser.parse_args(argv)
    # a stop as Ctrl-C's, from before the start: a SIGTERM at any moment stops the provider too (it was left running,
    # and one sent just after the start's first words came before this was set: a CI run)
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        return _serve_until_stopped(args)
    finally:  # called in a test's process, it leaves that process's own handler as it was
        signal.signal(signal.SIGTERM, previous)


def _serve_until_stopped(args: argparse.Namespace) -> int:
    """Start it, say so, and wait: one try from the start on, so that a SIGTERM at any moment stops the provider (one
    while its first lines were written stopped this process and left the provider running: a CI run)."""
    provider: Optional[Provider] = None
    try:
        users, roles = with_people(args.user)
        provider = serve(args.port, args.app, args.secrets, users, roles)
        print(f"deploy.oidc: the demo provider is on {provider.url}; {args.secrets} points the app at {args.app} to it.")
        print("deploy.oidc: its users: " + ", ".join(
            [f"{user} ({role})" for role, user in DEMO_BY_ROLE.items()] + [f"{e} ({r})" for e, r in args.user]))
        print(f"deploy.oidc: Ctrl-C stops it; delete {args.secrets} to run the app in local mode again.")
        while True:
            time.sleep(3600)
    except (FileExistsError, RuntimeError, TimeoutError) as exc:
        print(f"deploy.oidc: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    finally:
        if provider is not None:
            provider.stop()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
