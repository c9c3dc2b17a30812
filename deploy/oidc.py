"""A real OpenID Connect provider on loopback, for the sign-in tests and the local cluster: `oidc-provider-mock`
(PyPI), which serves discovery, keys, the authorization page (a button per predefined user) and tokens. Also
the `[auth]` and `[roles]` secrets that point the app at it.

It is a test provider: anyone who reaches its page may sign in as any listed user. A real deployment points
`[auth]` at its own provider (README: Sign-in and roles).
"""
from __future__ import annotations

import json
import secrets
import subprocess
import sys
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


def start(port: Optional[int] = None, log: Optional[Path] = None, users: tuple[dict, ...] = DEMO_USERS) -> Provider:
    port = port or free_port()
    args = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    for user in users:
        args += ["--user-claims", json.dumps(user)]
    sink = log.open("ab") if log else subprocess.DEVNULL
    proc = subprocess.Popen(args, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    provider = Provider(port, proc.pid)
    end = time.monotonic() + 30
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"the OIDC test provider exited with {proc.returncode} (port {port} taken?)")
        try:
            with urllib.request.urlopen(f"{provider.url}/.well-known/openid-configuration", timeout=1):
                return provider
        except OSError:
            time.sleep(0.1)
    provider.stop()
    raise TimeoutError(f"the OIDC test provider on port {port} did not answer within 30 s")


def secrets_toml(app_url: str, provider_url: str, roles: Optional[dict] = None) -> str:
    """The app's secrets for sign-in through `provider_url`, served at `app_url` (a fresh cookie secret)."""
    roles = DEMO_ROLES if roles is None else roles
    lines = ["[auth]", f'redirect_uri = "{app_url}/oauth2callback"', f'cookie_secret = "{secrets.token_hex(32)}"',
             'client_id = "refund-policy-explorer"', f'client_secret = "{secrets.token_hex(16)}"',
             f'server_metadata_url = "{provider_url}/.well-known/openid-configuration"', "", "[roles]"]
    lines += [f"{json.dumps(key)} = {json.dumps(value)}" for key, value in roles.items()]
    return "\n".join(lines) + "\n"
