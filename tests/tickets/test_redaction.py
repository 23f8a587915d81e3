"""The redaction corpus: every secret goes, nothing else is touched."""

import pytest

from tickets.redaction import MASK, REDACTED, redact, redact_value

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
    "order no. 4111111111111111 was cancelled",
    "Order #1234567890 refund",
    "nomor pesanan 240915ABCD12",
    "TRX-4111111111111111",
    "ref: 5555555555554444",
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
]


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


def test_the_corpus_is_big_enough_to_mean_something():
    assert len(POSITIVE) >= 40
    assert len(NEGATIVE) >= 40
    assert {kind for _, kind, _, _ in POSITIVE} == {"card", "otp", "pin", "cvv", "password", "nik"}


def test_it_keeps_only_the_last_four_digits_of_a_card():
    result = redact("kartu 4111 1111 1111 1236 dan 5500-0000-0000-0004")

    assert result.text == (
        f"kartu {MASK * 4} {MASK * 4} {MASK * 4} 1236 dan {MASK * 4} {MASK * 4} {MASK * 4} 0004"
    )
    assert result.found == {"card": 2}


def test_it_separates_a_card_from_a_following_number():
    result = redact("4111 1111 1111 1111 123")

    assert result.text == f"{MASK * 4} {MASK * 4} {MASK * 4} 1111 123"


def test_it_counts_several_kinds_in_one_message():
    result = redact("Kartu 4111111111111111, CVV 123, OTP 654321, PIN saya 112233")

    assert dict(result.found) == {"card": 1, "cvv": 1, "otp": 1, "pin": 1}
    assert result.text.count(REDACTED) == 3


def test_it_redacts_every_string_inside_structured_fields():
    found = __import__("collections").Counter()

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
