"""Production settings pass Django's deployment check with no warning; HSTS, the SSL redirect and secure
cookies are on in production; the proxy's HTTPS header is trusted only when configured."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from heed.config.env import Env, EnvError, proxy_ssl_header

PRODUCTION = {
    "HEED_ENV": "production",
    "HEED_SECRET_KEY": "SYNTHETIC-test-only-" + "k3y-w1th-many-different-characters-0123456789",
    "HEED_ALLOWED_HOSTS": "heed.force.example",
}


def run(tmp_path: Path, code: list[str], **extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HEED_VAR_DIR": str(tmp_path), **PRODUCTION, **extra}
    env.pop("HEED_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "heed", *code], env=env, capture_output=True, text=True, check=False
    )


def settings_of(tmp_path: Path, **extra: str) -> dict[str, object]:
    names = [
        "SECURE_HSTS_SECONDS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER",
    ]
    script = (
        "import json; from heed.config import setup_django; setup_django(); "
        "from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}))"
    )
    env = {**os.environ, "HEED_VAR_DIR": str(tmp_path), **extra}
    env.pop("HEED_DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    result: dict[str, object] = json.loads(out.stdout)
    return result


def test_check_deploy_is_clean_in_production(tmp_path: Path) -> None:
    out = run(tmp_path, ["manage", "check", "--deploy"])
    assert out.returncode == 0, out.stderr
    assert "System check identified no issues" in out.stdout
    assert "WARNING" not in out.stdout + out.stderr


def test_check_deploy_would_warn_without_the_production_settings(tmp_path: Path) -> None:
    """The clean result above comes from the settings, not from a check that cannot warn."""
    out = run(tmp_path, ["manage", "check", "--deploy"], HEED_HSTS_SECONDS="0", HEED_SSL_REDIRECT="false")
    assert "security.W004" in out.stdout + out.stderr and "security.W008" in out.stdout + out.stderr


def test_production_turns_on_hsts_redirect_and_secure_cookies(tmp_path: Path) -> None:
    prod = settings_of(tmp_path, **PRODUCTION)
    assert prod["SECURE_HSTS_SECONDS"] == 31_536_000 and prod["SECURE_SSL_REDIRECT"] is True
    assert prod["SESSION_COOKIE_SECURE"] is True and prod["CSRF_COOKIE_SECURE"] is True
    assert prod["SECURE_PROXY_SSL_HEADER"] is None
    dev = settings_of(tmp_path, HEED_ENV="development")
    assert dev["SECURE_HSTS_SECONDS"] == 0 and dev["SECURE_SSL_REDIRECT"] is False


def test_the_proxy_header_is_trusted_only_when_configured(tmp_path: Path) -> None:
    behind = settings_of(tmp_path, **PRODUCTION, HEED_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert behind["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert proxy_ssl_header(Env({})) is None
    assert proxy_ssl_header(Env({"HEED_PROXY_SSL_HEADER": "X-Scheme=on"})) == ("HTTP_X_SCHEME", "on")
    with pytest.raises(EnvError, match="HEED_PROXY_SSL_HEADER"):
        proxy_ssl_header(Env({"HEED_PROXY_SSL_HEADER": "X Forwarded"}))
