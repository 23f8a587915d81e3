from pathlib import Path

import pytest
from django.core.management import call_command

from helpdesk.management.commands import compiletranslations


def test_it_compiles_with_babel_when_msgfmt_is_missing(monkeypatch, tmp_path, settings):
    catalogue = tmp_path / "locale" / "id" / "LC_MESSAGES"
    catalogue.mkdir(parents=True)
    (catalogue / "django.po").write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Help"\nmsgstr "Bantuan"\n',
        encoding="utf-8",
    )
    (tmp_path / ".venv" / "x" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / ".venv" / "x" / "LC_MESSAGES" / "broken.po").write_text("not a catalogue")
    settings.BASE_DIR = tmp_path
    monkeypatch.setattr(compiletranslations.shutil, "which", lambda name: None)

    call_command("compiletranslations")

    import gettext

    with (catalogue / "django.mo").open("rb") as mo:
        assert gettext.GNUTranslations(mo).gettext("Help") == "Bantuan"
    assert not Path(tmp_path / ".venv" / "x" / "LC_MESSAGES" / "broken.mo").exists()


@pytest.mark.skipif(not compiletranslations.shutil.which("msgfmt"), reason="needs GNU gettext")
def test_it_uses_msgfmt_when_installed(monkeypatch):
    calls = []
    monkeypatch.setattr(compiletranslations, "call_command", lambda *a, **k: calls.append(a))

    call_command("compiletranslations")

    assert calls == [("compilemessages",)]
