"""The ``oidc_provider`` fixture: the test provider started once per test process on a free
loopback port, with a fresh RS256 key and SQLite file, stopped at the end."""

import os
import secrets
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "trustplan-test"
CLIENT_SECRET = "trustplan-test-secret-0123456789"  # noqa: S105 — the test provider's client


def free_port():
    """A TCP port nothing listens on now (bound and released at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rsa_private_key_pem():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@dataclass
class Provider:
    """A running test provider: ``url`` (its root), ``issuer`` (``url`` + /o)."""

    url: str
    issuer: str

    def setup(self, *, redirect_uris=(), users=None):
        """Registers TrustPlan's callback URLs and creates or updates people:
        users = {name: {"password", "email", "given_name", "groups": [...]}}."""
        body = {"users": users or {}}
        if redirect_uris:
            body["redirect_uris"] = list(redirect_uris)
            body["post_logout_redirect_uris"] = [
                uri.replace("oidc/callback/", "login/") for uri in redirect_uris
            ]
        response = requests.post(f"{self.url}/control/", json=body, timeout=10)
        response.raise_for_status()

    def settings(self, role_map):
        """TrustPlan settings that point at this provider (for override_settings)."""
        import json

        return {
            "OIDC_ISSUER": self.issuer,
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_ROLE_MAP": json.dumps(role_map),
        }


def at_provider(provider, authorize_url, username, *, callback):
    """Logs in at the provider as ``username`` (password TEST_PASSWORD) and follows the
    authorization request; returns the path and query of the provider's redirect to TrustPlan's
    callback (``callback`` is TrustPlan's root URL)."""
    from urllib.parse import parse_qs, urlsplit

    from tests.conftest import TEST_PASSWORD

    browser = requests.Session()
    answer = browser.get(authorize_url, allow_redirects=False, timeout=30)
    login_url = provider.url + answer.headers["Location"]
    browser.get(login_url, timeout=30)
    data = {
        "username": username,
        "password": TEST_PASSWORD,
        "next": parse_qs(urlsplit(login_url).query)["next"][0],
        "csrfmiddlewaretoken": browser.cookies["csrftoken"],
    }
    answer = browser.post(login_url, data=data, allow_redirects=False, timeout=30)
    answer = browser.get(provider.url + answer.headers["Location"], allow_redirects=False, timeout=30)
    location = answer.headers["Location"]
    assert location.startswith(f"{callback}/accounts/oidc/callback/"), location
    return location.removeprefix(callback)


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PROVIDER_DB": str(tmp_path_factory.mktemp("provider") / "provider.sqlite3"),
        "PROVIDER_RSA_KEY": rsa_private_key_pem(),
        "PROVIDER_ISSUER": f"{url}/o",
        "PROVIDER_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
    }
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        if line.strip() != "ready":
            pytest.fail(f"the test OpenID Connect provider did not start (exit {process.poll()})")
        yield Provider(url=url, issuer=f"{url}/o")
    finally:
        process.terminate()
        process.wait(timeout=10)
