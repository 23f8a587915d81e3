import io

import pytest
from PIL import Image

from branding.models import ONLY_ROW, Brand

# A wallet that does not exist, with a name of its own in each language.
NAMES = {"id": "Kantong Uji", "en": "Test Pocket", "zh-hans": "测试钱包"}


@pytest.fixture
def brand(db, django_capture_on_commit_callbacks) -> Brand:
    """What an admin set on the Brand page: a name per language, a colour and every channel.
    Committed, as far as the per-process copy knows (it keeps nothing saved in a transaction
    still open, tickets/config_cache.py)."""
    with django_capture_on_commit_callbacks(execute=True):
        return Brand.objects.create(
            pk=ONLY_ROW,
            name=NAMES["id"],
            name_en=NAMES["en"],
            name_zh_hans=NAMES["zh-hans"],
            primary_colour="#5b3fa0",
            sender_email="halo@kantong-uji.example",
            support_email="bantuan@kantong-uji.example",
            hotline="+622101234567",
            website="https://kantong-uji.example/",
            app_chat_path="Profil › Bantuan › Chat",
            app_chat_path_en="Profile › Help › Chat",
            app_chat_path_zh_hans="我的 › 帮助 › 在线客服",
            social_accounts="Instagram @kantonguji.demo\nX @kantonguji_demo",
        )


def picture(fmt: str = "PNG", size: tuple[int, int] = (64, 32), **save) -> bytes:
    image = Image.new("RGBA" if fmt == "PNG" else "RGB", size, (91, 63, 160))
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()
