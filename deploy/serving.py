"""Where and how the cluster's balancer serves, and whose sign-in it uses: the demo on loopback, or a team's own.

By default the cluster is a demonstration on this computer: HAProxy on 127.0.0.1 over HTTP, and the demo OpenID
Connect provider, on whose page anyone may pick the admin. A team's deployment gives, in the environment:

- CLUSTER_SECRETS: a secrets file with its own provider's `[auth]` and `[roles]` (docs/sign-in.md); the demo
  provider is then not started, and the app's address is its `redirect_uri`'s;
- CLUSTER_BIND: the address HAProxy listens on (`0.0.0.0` for every interface), beyond loopback only with
  CLUSTER_SECRETS (with the demo provider, anyone who reached it could sign in as the admin);
- CLUSTER_TLS: a PEM file with the certificate and its private key: HAProxy serves HTTPS, and the redirect_uri
  must then be https.

Every setting is checked before anything starts, each error naming the variable and what it may be.
"""
from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

from policy.errors import InputError
from store.access import RoleMap

LOOPBACK = "127.0.0.1"
AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")


class SettingError(SystemExit):
    """A setting of the cluster that cannot be used: said in one line, and nothing is started."""

    def __init__(self, variable: str, message: str):
        super().__init__(f"cluster: {variable} {message}. Nothing was started (docs/register.md: a team's deployment)")


@dataclass(frozen=True)
class Serving:
    bind: str = LOOPBACK
    secrets: Optional[str] = None  # a team's own secrets file; None: the demo provider's, written by `up`
    tls: Optional[str] = None  # HAProxy's PEM: certificate and key
    public_url: str = ""  # the address people open; "" for the demo: http://127.0.0.1:<port>
    provider_metadata: str = ""  # a team's provider's auth.server_metadata_url: status asks it

    @property
    def demo(self) -> bool:
        return self.secrets is None

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"

    def url(self, port: int) -> str:
        return self.public_url or f"{self.scheme}://{LOOPBACK}:{port}"

    def check_port(self, port: int) -> None:
        """A redirect_uri on this computer comes back to the balancer's own port (one on another port passed, and
        sign-in came back where nothing listened, a walkthrough). Another host may be a proxy in front: not known."""
        if not self.public_url:
            return
        address = urlsplit(self.public_url)
        given = address.port or (443 if address.scheme == "https" else 80)
        if address.hostname in ("127.0.0.1", "localhost", "::1") and given != port:
            raise SettingError("CLUSTER_SECRETS", f"names {self.secrets}, whose auth.redirect_uri is on port {given} of "
                                                  f"this computer, but the balancer serves on port {port} "
                                                  "(CLUSTER_PORT): sign-in would come back where nothing listens")

    def probe_host(self) -> str:
        """Where this computer reaches the balancer: its bind address, or loopback where it listens on every one."""
        return LOOPBACK if self.bind in ("0.0.0.0", "::") else self.bind

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Serving:
        bind = (env.get("CLUSTER_BIND") or LOOPBACK).strip()
        secrets_path = (env.get("CLUSTER_SECRETS") or "").strip() or None
        tls = (env.get("CLUSTER_TLS") or "").strip() or None
        try:
            address = ipaddress.ip_address(bind)
        except ValueError:
            raise SettingError("CLUSTER_BIND", f"is {bind!r}: give an IP address of this computer, such as 0.0.0.0 "
                                               "(every interface) or 127.0.0.1 (this computer only)") from None
        if not address.is_loopback and secrets_path is None:
            raise SettingError("CLUSTER_BIND", f"is {bind}, beyond this computer, without CLUSTER_SECRETS: with the "
                                               "demo sign-in provider anyone who reached it could sign in as the admin; "
                                               "give your provider's [auth] and [roles] in a file named by "
                                               "CLUSTER_SECRETS")
        if tls is not None:
            _check_pem(Path(tls))
            tls = str(Path(tls).resolve())
        public_url = metadata = ""
        if secrets_path is not None:
            public_url, metadata = _checked_secrets(Path(secrets_path), tls is not None)
            secrets_path = str(Path(secrets_path).resolve())
        return cls(bind, secrets_path, tls, public_url, metadata)


def _check_pem(path: Path) -> None:
    try:
        pem = path.read_text(encoding="ascii", errors="replace")
    except OSError as exc:
        raise SettingError("CLUSTER_TLS", f"names {path}, which cannot be read ({exc.strerror})") from None
    if "-----BEGIN CERTIFICATE-----" not in pem or "PRIVATE KEY-----" not in pem:
        raise SettingError("CLUSTER_TLS", f"names {path}, which must hold the certificate and its private key, both "
                                          "in PEM (-----BEGIN CERTIFICATE----- and -----BEGIN PRIVATE KEY-----)")


def _checked_secrets(path: Path, tls: bool) -> tuple[str, str]:
    """The file's `[auth]` and `[roles]` checked as the app reads them; the app's public address (the origin of its
    redirect_uri), and its provider's metadata URL."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SettingError("CLUSTER_SECRETS", f"names {path}, which cannot be read ({exc.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingError("CLUSTER_SECRETS", f"names {path}, which is not TOML ({exc})") from None
    auth = data.get("auth")
    if not isinstance(auth, dict):
        raise SettingError("CLUSTER_SECRETS", f"names {path}, which has no [auth] section: give your OpenID Connect "
                                              f"provider's {', '.join(AUTH_KEYS)} (docs/sign-in.md)")
    missing = [k for k in AUTH_KEYS if not isinstance(auth.get(k), str) or not auth[k].strip()]
    if missing:
        raise SettingError("CLUSTER_SECRETS", f"names {path}, whose [auth] lacks {', '.join(missing)}")
    redirect = urlsplit(auth["redirect_uri"])
    if redirect.scheme not in ("http", "https") or not redirect.netloc or redirect.path != "/oauth2callback":
        raise SettingError("CLUSTER_SECRETS", f"names {path}, whose auth.redirect_uri is {auth['redirect_uri']!r}: it "
                                              "must be the app's address followed by /oauth2callback, such as "
                                              "https://refunds.example.com/oauth2callback")
    if tls and redirect.scheme != "https":
        raise SettingError("CLUSTER_SECRETS", f"names {path}, whose auth.redirect_uri is {auth['redirect_uri']}, but "
                                              "CLUSTER_TLS serves HTTPS: make it https://")
    if not isinstance(data.get("roles"), dict):
        raise SettingError("CLUSTER_SECRETS", f"names {path}, which has no [roles] section: without one nobody has a "
                                              "staff role (docs/sign-in.md: The roles)")
    try:
        RoleMap.from_config(data["roles"])
    except InputError as exc:
        raise SettingError("CLUSTER_SECRETS", f"names {path}, whose {exc.field} {exc.message}") from None
    return f"{redirect.scheme}://{redirect.netloc}", auth["server_metadata_url"].strip()
