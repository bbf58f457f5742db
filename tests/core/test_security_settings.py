"""Production settings pass Django's deployment checks; every response carries security headers."""

import secrets

import pytest
from django.urls import reverse

from tests.processes import run_module


def test_check_deploy_reports_no_issues_with_production_settings():
    env = {
        "DJANGO_SETTINGS_MODULE": "burgh.settings.production",
        "BURGH_SECRET_KEY": secrets.token_urlsafe(64),
        "BURGH_ALLOWED_HOSTS": "burgh.kinloch.example",
        "BURGH_CSRF_TRUSTED_ORIGINS": "https://burgh.kinloch.example",
    }
    result = run_module("burgh.cli", "check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {"DJANGO_SETTINGS_MODULE": "burgh.settings.production", "BURGH_SECRET_KEY": None}
    result = run_module("burgh.cli", "check", env=env)
    assert result.returncode != 0
    assert "Set BURGH_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_pages_carry_security_headers(client):
    response = client.get(reverse("identity:sign-in"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert "'unsafe-inline'" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Request-ID"]
