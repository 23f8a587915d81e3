"""The brand's settings: defaults with nothing configured, and a bad value stops start-up with
one line naming the variable (as every setting does, tests/test_configuration.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from branding.brand import current_brand, from_settings

ROOT = Path(__file__).resolve().parents[2]


def _check(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BRAND_")}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean | {"DEBUG": "true", "VAR_DIR": str(ROOT / "var" / "test")} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "variable", "says"),
    [
        ({"BRAND_PRIMARY_COLOUR": "green"}, "BRAND_PRIMARY_COLOUR", "must be a colour"),
        ({"BRAND_PRIMARY_COLOUR": "#00a85a"}, "BRAND_PRIMARY_COLOUR", "contrast of 3.1:1"),
        ({"BRAND_HOTLINE": "12345"}, "BRAND_HOTLINE", "must be a phone number"),
        ({"BRAND_SUPPORT_EMAIL": "help at example"}, "BRAND_SUPPORT_EMAIL", "email address"),
        ({"BRAND_WEBSITE": "javascript:alert(1)"}, "BRAND_WEBSITE", "https://"),
        ({"BRAND_NAME": "x" * 61}, "BRAND_NAME", "60 characters"),
        ({"BRAND_NAME_ZH_HANS": "钱" * 61}, "BRAND_NAME_ZH_HANS", "60 characters"),
        ({"DEFAULT_FROM_EMAIL": "Acme Help"}, "DEFAULT_FROM_EMAIL", "email address"),
    ],
)
def test_it_stops_with_one_line_naming_the_variable(env, variable, says):
    result = _check(**env)

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Configuration error: {variable} ")
    assert says in lines[0]


def test_it_starts_with_a_full_brand_from_the_environment():
    result = _check(
        BRAND_NAME="Acme Wallet",
        BRAND_NAME_ZH_HANS="艾克美钱包",
        BRAND_PRIMARY_COLOUR="#5B3FA0",
        BRAND_HOTLINE="021 0123 4567",
        BRAND_SUPPORT_EMAIL="help@acme.example",
        BRAND_WEBSITE="https://acme.example",
        BRAND_SOCIAL_ACCOUNTS="Instagram @acme, X @acme_care",
        BRAND_APP_CHAT_PATH_EN="Profile › Help › Chat",
    )

    assert result.returncode == 0, result.stderr


def test_with_nothing_configured_the_brand_is_a_plain_neutral_one(db):
    brand = current_brand()

    assert brand.names == {"id": "Helpdesk", "en": "Helpdesk", "zh-hans": "Helpdesk"}
    assert brand.primary_colour == "#2a5db0"
    assert brand.sender_email == "help@helpdesk.localhost"
    assert not brand.has_official_channels
    assert brand.logo_url == ""


def test_settings_give_the_defaults(settings):
    settings.BRAND_NAME = {"id": "Dompet Acme", "en": "Acme Wallet", "zh-hans": "艾克美钱包"}
    settings.BRAND_HOTLINE = "+622101234567"
    settings.DEFAULT_FROM_EMAIL = "Acme Help <help@acme.example>"

    brand = from_settings()

    assert brand.from_email("zh-hans") == "Acme Help <help@acme.example>"
    assert brand.hotline_display == "+62 21 01234567"
