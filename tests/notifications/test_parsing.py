"""Reading inbound email: what a person wrote, in which language, and whether a machine sent it."""

from email import message_from_string, policy

import pytest

from notifications import parsing


def _message(headers: str):
    return message_from_string(headers + "\n\nbody\n", policy=policy.default)


@pytest.mark.parametrize(
    "html",
    [
        # Gmail
        '<div dir="ltr">Sudah masuk, terima kasih!</div><br><div class="gmail_quote">'
        '<div class="gmail_attr">Pada tanggal Sen, 23 Nov 2026 pukul 10.02 Example Wallet &lt;'
        'help@helpdesk.localhost&gt; menulis:<br></div><blockquote class="gmail_quote">'
        "Apakah dananya sudah masuk?</blockquote></div>",
        # Outlook on the web
        '<div>Sudah masuk, terima kasih!</div><hr style="display:inline-block;width:98%">'
        '<div id="divRplyFwdMsg"><b>Dari:</b> Example Wallet &lt;help@helpdesk.localhost&gt;<br>'
        "<b>Dikirim:</b> Senin, 23 November 2026 10.02<br><b>Perihal:</b> Re: dana</div>"
        "<div>Apakah dananya sudah masuk?</div>",
        # Apple Mail
        '<html><body><div>Sudah masuk, terima kasih!</div><div><br><blockquote type="cite">'
        "<div>Pada 23 Nov 2026, pukul 10.02, Example Wallet menulis:</div><div>Apakah dananya "
        "sudah masuk?</div></blockquote></div></body></html>",
    ],
    ids=["gmail", "outlook", "apple"],
)
def test_it_strips_the_quoted_history_of_html_only_replies(html):
    text = parsing.html_to_text(html)

    assert parsing.strip_reply(text) == "Sudah masuk, terima kasih!"


def test_it_keeps_paragraphs_and_lists_of_html_and_drops_styles_and_scripts():
    html = (
        "<html><head><title>x</title><style>p{}</style></head><body><p>Halo,</p>"
        "<ul><li>satu</li><li>dua</li></ul><script>alert(1)</script><p>A &amp; B</p></body></html>"
    )

    assert parsing.html_to_text(html) == "Halo,\n\n- satu\n- dua\n\nA & B"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thanks!\n\nOn Mon, 23 Nov 2026 at 10:02, Help <h@x> wrote:\n> old", "Thanks!"),
        ("Thanks!\n\nOn Mon, 23 Nov 2026 at 10:02, Example <\nh@x> wrote:\n> old", "Thanks!"),
        ("Makasih\n\nPada Sen, 23 Nov 2026 10.02, Help <h@x> menulis:\n> lama", "Makasih"),
        ("谢谢\n\n在 2026年11月23日，10:02，Help <h@x> 写道：\n> 旧", "谢谢"),
        ("谢谢\n\nHelp <h@x> 于2026年11月23日周一 10:02写道：\n> 旧", "谢谢"),
        ("OK\n\n-----Original Message-----\nFrom: Help\nSent: today\n\nold", "OK"),
        ("OK\n\n-----Pesan Asli-----\nDari: Help\n\nlama", "OK"),
        ("OK\n\nFrom: Help <h@x>\nSent: Monday\nTo: me\nSubject: Re: x\n\nold", "OK"),
        ("OK\n\n发件人: Help <h@x>\n发送时间: 2026年11月23日\n\n旧", "OK"),
        ("OK\n> quoted without a header\n> more", "OK"),
        ("OK\n\n-- \nAndi\n0812-3456-7801", "OK"),
        ("OK\n\nSent from my iPhone", "OK"),
        ("OK\n\nGet Outlook for Android", "OK"),
        ("OK\n\nDikirim dari iPhone saya", "OK"),
        ("OK\n\n发自我的iPhone", "OK"),
        # what stays
        (
            "On Monday I paid twice.\nPlease refund one.",
            "On Monday I paid twice.\nPlease refund one.",
        ),
        ("Saldo -- berkurang 2x", "Saldo -- berkurang 2x"),
        (
            "Amount > 50.000 was taken\nand > 10.000 came back\nwhy?",
            "Amount > 50.000 was taken\nand > 10.000 came back\nwhy?",
        ),
    ],
)
def test_it_keeps_only_what_the_person_wrote(text, expected):
    assert parsing.strip_reply(text) == expected


def test_it_keeps_a_forwarded_email_whole():
    text = "See below\n\n---------- Forwarded message ---------\nFrom: Shop\n\nRefund sent."

    assert parsing.strip_reply(text, subject="Fwd: refund") == text
    assert parsing.strip_reply(
        "See below\n\nFrom: Shop\nSent: today\n\nx", subject="FW: x"
    ).endswith("x")


@pytest.mark.parametrize(
    ("text", "header", "language"),
    [
        ("", "id-ID", "id"),
        ("", "en-US", "en"),
        ("", "zh-CN", "zh-hans"),
        ("我的余额被扣了但是商家没有收到", "", "zh-hans"),
        ("Saldo saya sudah terpotong tapi transaksi gagal", "", "id"),
        ("My balance was debited but the payment failed", "", "en"),
        ("OK", "", None),
    ],
)
def test_it_guesses_the_language(text, header, language):
    assert parsing.guess_language(text, header) == language


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ("From: a@x\nAuto-Submitted: auto-replied", parsing.AUTO_REPLY),
        ("From: a@x\nAuto-Submitted: no", None),
        ("From: a@x\nX-Autorespond: yes", parsing.AUTO_REPLY),
        ("From: a@x\nPrecedence: junk", parsing.AUTO_REPLY),
        ("From: a@x\nPrecedence: list", parsing.MAILING_LIST),
        ("From: a@x\nList-Id: <l.x>", parsing.MAILING_LIST),
        ("From: MAILER-DAEMON@mx.x", parsing.BOUNCE),
        ("From: postmaster@mx.x", parsing.BOUNCE),
        ("From: a@x\nReturn-Path: <>", parsing.BOUNCE),
        ("From: a@x\nContent-Type: multipart/report; boundary=b", parsing.BOUNCE),
        ("From: Help <payments@helpdesk.localhost>", parsing.LOOP),
        ("From: Help <payments+GP-7K3M9Q@helpdesk.localhost>", parsing.LOOP),
        ("From: a@x\nMessage-ID: <GP-7K3M9Q.ab12@127.0.0.1>", parsing.LOOP),
        ("From: Andi <andi@example.net>", None),
    ],
)
@pytest.mark.django_db
def test_it_recognises_what_a_machine_sent(headers, reason):
    assert parsing.machine_sender(_message(headers), None) == reason


def test_it_treats_the_null_envelope_sender_as_a_bounce():
    assert parsing.machine_sender(_message("From: a@x"), "<>") == parsing.BOUNCE


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("Re: [GP-7K3M9Q] Payment", "GP-7K3M9Q"),
        ("re: gp-7k3m9q", "GP-7K3M9Q"),
        ("Ref GP-7K3M9Q.", "GP-7K3M9Q"),
        ("GP-7K3M9QX", ""),  # too long
        ("GP-7K3M0Q", ""),  # 0 is not in the alphabet
        ("XGP-7K3M9Q", ""),
    ],
)
def test_it_finds_a_ticket_reference(text, reference):
    assert parsing.reference_in(text) == reference


def test_it_reads_the_plus_tag_of_an_address():
    assert parsing.plus_tag("payments+GP-7K3M9Q@helpdesk.localhost") == "GP-7K3M9Q"
    assert parsing.bare_address("Payments+GP-7K3M9Q@Helpdesk.localhost") == (
        "payments@helpdesk.localhost"
    )
