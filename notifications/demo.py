"""Demo data for notifications (seed_demo): two inbound emails and one agent's preferences, so
the admin's inbound log and preferences have something to show. Safe to run again."""

from tickets.models import InboundEmail, NotificationPreference, User

from . import inbound

CUSTOMER_EMAIL = b"""\
From: Dewi Lestari <dewi.lestari@example.net>
To: Dompet Contoh <refunds@helpdesk.localhost>
Subject: Refund pembatalan pesanan belum masuk
Date: Mon, 23 Nov 2026 09:12:44 +0700
Message-ID: <CAdemo-refund-0001@mail.example.net>
Content-Type: text/plain; charset=utf-8

Halo, pesanan saya di Sate Khas Senayan dibatalkan tanggal 18 November (TRX-20261118-FD55XK,
Rp129.000) tapi refund belum masuk ke saldo. Mohon dibantu, terima kasih.

Dikirim dari iPhone saya
"""

OUT_OF_OFFICE = b"""\
From: Michael Tan <michael.tan@example.org>
To: Example Wallet <help@helpdesk.localhost>
Subject: Automatic reply: Your request
Date: Mon, 23 Nov 2026 09:20:01 +0800
Message-ID: <demo-oof-0001@mail.example.org>
Auto-Submitted: auto-replied
Content-Type: text/plain; charset=utf-8

I am out of the office until 1 December.
"""


def ensure_demo_notifications() -> None:
    for raw, message_id in (
        (CUSTOMER_EMAIL, "<CAdemo-refund-0001@mail.example.net>"),
        (OUT_OF_OFFICE, "<demo-oof-0001@mail.example.org>"),
    ):
        if not InboundEmail.objects.filter(email_message_id=message_id).exists():
            inbound.ingest(raw, source=InboundEmail.Source.PIPE)
    mei = User.objects.filter(email__lower="mei@example.com").first()
    if mei is not None:
        NotificationPreference.objects.get_or_create(user=mei, defaults={"sla_warning": False})
