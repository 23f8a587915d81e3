"""The redaction corpus: every secret goes, nothing else is touched (docs/redaction.md).

Two corpora: the cases below, written with the redactor, and tests/tickets/redaction_corpus.py,
written independently from the contract alone. Properties over generated input are in
test_redaction_properties.py."""

from collections import Counter

import pytest
from django.utils import translation

from tickets.redaction import MASK, REDACTED, redact, redact_value

from .redaction_corpus import SECRETS, UNTOUCHED

# (text, kind, the secret that must disappear, what must remain)
POSITIVE = [
    # Cards: Visa, Mastercard, Amex, JCB, UnionPay, Discover, Diners, GPN and local debit;
    # plain, grouped with spaces, grouped with dashes, inside sentences in three languages.
    ("My card is 4111 1111 1111 1111, please check", "card", "4111 1111 1111", "1111"),
    ("kartu saya 4111111111111111 ditolak", "card", "4111111111111111", "1111"),
    ("Visa 4012-8888-8888-1881 declined", "card", "4012-8888-8888", "1881"),
    ("pakai kartu 5555 5555 5555 4444 gagal", "card", "5555 5555 5555", "4444"),
    ("MC 5105105105105100", "card", "5105105105105100", "5100"),
    ("Amex 3782 822463 10005 was charged twice", "card", "822463", "0005"),
    ("amex 371449635398431", "card", "371449635398431", "8431"),
    ("我的卡号是 6011 1111 1111 1117", "card", "6011 1111 1111", "1117"),
    ("JCB 3530111333300000 tidak bisa", "card", "3530111333300000", "0000"),
    ("银联卡 6212345678901232 支付失败", "card", "6212345678901232", "1232"),
    ("kartu GPN 9360 0002 1234 5677", "card", "9360 0002 1234", "5677"),
    ("debit BCA 6019-0012-3456-7893", "card", "6019-0012-3456", "7893"),
    ("Diners 36000000000008 please refund", "card", "36000000000008", "0008"),
    ("Mastercard 2223003122003222 at Skyways", "card", "2223003122003222", "3222"),
    ("card number:4000056655665556", "card", "4000056655665556", "5556"),
    ("card 4111 1111 1111 1111 exp 12/28", "card", "4111 1111 1111", "1111"),
    # A card brand's number is a card whatever label stands before it: customers paste card
    # numbers into reference fields. (A Luhn-valid number without a brand's prefix is kept
    # after a reference label: see NEGATIVE.)
    ("order no. 4111111111111111 was cancelled", "card", "411111111111", "was cancelled"),
    ("TRX-4111111111111111", "card", "411111111111", "TRX-"),
    ("ref: 5555555555554444", "card", "555555555555", "ref:"),
    # One-time codes
    ("My OTP is 482913", "otp", "482913", "My OTP is"),
    ("kode OTP saya 123456 tapi gagal", "otp", "123456", "tapi gagal"),
    ("OTP-nya 987654 sudah masuk", "otp", "987654", "sudah masuk"),
    ("kode verifikasi: 551 902", "otp", "551 902", "kode verifikasi"),
    ("the verification code was 204816", "otp", "204816", "verification code"),
    ("验证码是739102", "otp", "739102", "验证码"),
    ("收到的验证码:  884120,然后就被扣款了", "otp", "884120", "然后就被扣款了"),
    ("one-time password 6631", "otp", "6631", "one-time password"),
    ("动态码 302211 请帮忙", "otp", "302211", "请帮忙"),
    # PINs
    ("PIN saya 123456, tolong dibuka", "pin", "123456", "tolong dibuka"),
    ("my PIN is 2580", "pin", "2580", "my PIN is"),
    ("PIN ATM saya adalah 135790", "pin", "135790", "PIN ATM"),
    ("PIN码是 864209", "pin", "864209", "PIN码是"),
    ("pin: 0000 tidak bisa", "pin", ": 0000", "tidak bisa"),
    # CVV / CVC / security codes
    ("CVV 123", "cvv", "123", "CVV"),
    ("cvc: 9876 on the back", "cvv", "9876", "on the back"),
    ("kode keamanan kartu 456", "cvv", "456", "kode keamanan"),
    ("security code is 321", "cvv", "321", "security code"),
    ("卡背面的安全码 852", "cvv", "852", "安全码"),
    ("CVV2 kartu saya 077", "cvv", "077", "CVV2"),
    # Passwords
    ("password: hunter2", "password", "hunter2", "password:"),
    ("my password is Sunshine2024", "password", "Sunshine2024", "my password is"),
    ("kata sandi saya: rahasia123", "password", "rahasia123", "kata sandi"),
    ("kata sandinya Bandung#88 kenapa salah", "password", "Bandung#88", "kenapa salah"),
    ("密码是abc12345", "password", "abc12345", "密码是"),
    ("登录密码为 Qq123456,还是登不上", "password", "Qq123456", "还是登不上"),
    ("支付密码:135246", "password", "135246", "支付密码"),
    ("pwd=Gopay!2026", "password", "Gopay!2026", "pwd="),
    ("password adalah 'jakarta selatan'", "password", "jakarta selatan", "password adalah"),
    # NIK (with a keyword, or by its structure)
    ("NIK saya 3174052301900001", "nik", "317405230190", "0001"),
    ("no KTP: 1234567890123456", "nik", "123456789012", "3456"),
    ("身份证号码 3273156506950002", "nik", "327315650695", "0002"),
    ("data saya 3578026108850003 mohon dicek", "nik", "357802610885", "0003"),
]

# Text that must come out exactly as it went in.
NEGATIVE = [
    # Transaction and ticket references, invoices, order numbers
    "Transaksi TRX-20261121-8F3K2Q gagal",
    "tiket saya GP-7K3M9Q belum dibalas",
    "Invoice INV/20261121/MPL/3354921",
    "ID transaksi 2611211234567890123",
    "Order #1234567890 refund",
    "nomor pesanan 240915ABCD12",
    # Phone numbers
    "hubungi saya di 081234567890",
    "nomor HP 0812-3456-7890",
    "WA +62 812-3456-7890",
    "call me on 62 812 3456 7890",
    "telepon kantor (021) 5084 5000",
    "我的手机号 +6281122334455",
    # Amounts in IDR and elsewhere
    "saldo terpotong Rp45.000",
    "Rp 1.850.000 sudah dibayar",
    "IDR 1,250,000 was debited",
    "1.000.000 rupiah hilang",
    "top up Rp500rb belum masuk",
    "扣了 56,000 印尼盾",
    # Dates and times
    "tanggal 21/11/2026 jam 10.02",
    "on 2026-11-21 08:14 the payment failed",
    "21-11-2026 sampai 22-11-2026",
    "2026-11-21 2026-11-22",
    # Non-Luhn or non-card 16-digit numbers
    "nomor 1234567890123456 bukan kartu",
    "4111111111111112 is not valid",
    "5555555555554440",
    "VA BCA 8808081234567891",
    "kode bayar 9999000011112222",
    "3000123412341234",
    # Keywords without a secret
    "Saya tidak menerima kode OTP sejak kemarin",
    "OTP sudah 3 kali salah",
    "masukkan PIN 6 digit",
    "PIN diblokir setelah salah 3 kali",
    "Lupa kata sandi, akun terkunci",
    "my password is wrong",
    "I reset my password yesterday",
    "验证码一直收不到",
    "忘记密码了怎么办",
    "CVV kartu saya tidak terbaca",
    "kode keamanan tidak muncul",
    "the OTP for 2 days never came",
    "password saya lupa",
    # Account numbers and other short numbers
    "rekening BCA 1234567890",
    "rekening Mandiri 1370012345678",
    "app version 5.12.1 on Android 14",
    # Luhn-valid numbers without a card brand's prefix, labelled as what they are
    "ref: 1234567812345670",
    "TRX-8800000000000005",
    "rekening BRI 0023 0100 0123 307",
    "IMEI 356938035643809",
    "VA 8000000000000003",
]


@pytest.fixture(autouse=True)
def _english():
    """ "[redacted]" as written in English (it is translated: see the last tests)."""
    with translation.override("en"):
        yield


@pytest.mark.parametrize(("text", "kind", "secret", "kept"), POSITIVE)
def test_it_removes_each_secret(text, kind, secret, kept):
    result = redact(text)

    assert secret not in result.text
    assert kept in result.text
    assert result.found[kind] >= 1, result.found


@pytest.mark.parametrize("text", NEGATIVE)
def test_it_leaves_everything_else_untouched(text):
    result = redact(text)

    assert result.text == text
    assert not result.found


@pytest.mark.parametrize(
    "case", SECRETS, ids=[f"{i}-{case.language}-{case.kind}" for i, case in enumerate(SECRETS)]
)
def test_it_removes_every_secret_of_the_corpus(case):
    result = redact(case.text)

    for gone in case.gone:
        assert gone not in result.text, result.text
    for kept in case.kept:
        assert kept in result.text, result.text
    assert result.found[case.kind] >= 1, (result.text, dict(result.found))


@pytest.mark.parametrize(
    "case", UNTOUCHED, ids=[f"{i}-{case.language}" for i, case in enumerate(UNTOUCHED)]
)
def test_it_leaves_the_corpus_of_ordinary_text_untouched(case):
    result = redact(case.text)

    assert result.text == case.text, case.note
    assert not result.found, case.note


def test_the_corpus_is_big_enough_in_every_language_and_kind():
    secrets = Counter((case.language, case.kind) for case in SECRETS)
    untouched = Counter(case.language for case in UNTOUCHED)

    assert len(SECRETS) + len(UNTOUCHED) + len(POSITIVE) + len(NEGATIVE) >= 300
    for language in ("id", "en", "zh", "mixed"):
        assert untouched[language] >= 20, language
        for kind in ("card", "nik", "otp", "pin", "cvv", "password"):
            assert secrets[language, kind] >= 5, (language, kind)


def test_it_keeps_only_the_last_four_digits_of_a_card():
    result = redact("kartu 4111 1111 1111 1236 dan 5500-0000-0000-0004")

    assert result.text == (
        f"kartu {MASK * 4} {MASK * 4} {MASK * 4} 1236 dan {MASK * 4} {MASK * 4} {MASK * 4} 0004"
    )
    assert result.found == {"card": 2}


def test_it_separates_a_card_from_a_following_number():
    result = redact("4111 1111 1111 1111, 123 and 5555 5555 5555 4444 12/28")

    masked = f"{MASK * 4} {MASK * 4} {MASK * 4}"
    assert result.text == f"{masked} 1111, 123 and {masked} 4444 12/28"


def test_it_reads_digits_grouped_as_one_number_as_one_number():
    # 4-4-4-4-1 is how a 17-digit number is written; its first 16 digits are no card of their own.
    assert redact("0000 0000 0000 0000 1").text == "0000 0000 0000 0000 1"
    assert redact("4111 1111 1111 1111 2").text == "4111 1111 1111 1111 2"


def test_it_keeps_a_luhn_valid_reference_in_a_reference_field_but_not_a_card():
    found = Counter()

    details = redact_value(
        {"transaction_reference": "1234567812345670", "merchant": "1234567812345670"}, found
    )

    assert details["transaction_reference"] == "1234567812345670"
    assert details["merchant"] == f"{MASK * 12}5670"
    assert redact_value({"transaction_reference": "4111111111111111"}, found) == {
        "transaction_reference": f"{MASK * 12}1111"
    }


def test_it_counts_several_kinds_in_one_message():
    result = redact("Kartu 4111111111111111, CVV 123, OTP 654321, PIN saya 112233")

    assert dict(result.found) == {"card": 1, "cvv": 1, "otp": 1, "pin": 1}
    assert result.text.count(REDACTED) == 3


def test_it_redacts_every_string_inside_structured_fields():
    found = Counter()

    details = redact_value(
        {"merchant": "Toko", "notes": ["OTP 123456"], "card": "4111111111111111", "amount": 5},
        found,
    )

    assert details == {
        "merchant": "Toko",
        "notes": [f"OTP {REDACTED}"],
        "card": f"{MASK * 12}1111",
        "amount": 5,
    }
    assert dict(found) == {"otp": 1, "card": 1}


@pytest.mark.parametrize(
    ("language", "written"), [("id", "[disamarkan]"), ("en", "[redacted]"), ("zh-hans", "[已隐藏]")]
)
def test_it_writes_redacted_in_the_customers_language(language, written):
    with translation.override(language):
        assert redact("OTP 551234").text == f"OTP {written}"
    assert redact("OTP 551234", replacement=REDACTED).text == "OTP [redacted]"


def test_it_maps_what_it_removes_back_to_what_the_customer_typed():
    # Full-width text stays full-width; only the secret is replaced.
    result = redact("ＯＴＰ：５５１２３４，谢谢")

    assert result.text == "ＯＴＰ：[redacted]，谢谢"


def test_it_reads_through_invisible_characters_and_keeps_the_rest():
    result = redact("kartu 4111\u200b1111\u200b1111\u200b1111 \u200bya")

    assert result.text == f"kartu {MASK * 12}1111 \u200bya"
