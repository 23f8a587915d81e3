import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_it_documents_every_variable_the_settings_read():
    settings_source = (ROOT / "helpdesk" / "settings.py").read_text()
    read = set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', settings_source))
    read |= set(re.findall(r'os\.environ\.get\(\s*"([A-Z_]+)"', settings_source))
    read |= set(re.findall(r'database_from_url\(\s*"([A-Z_]+)"', settings_source))
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))

    assert read, "the pattern no longer finds the settings' variables"
    assert read - documented == set()
