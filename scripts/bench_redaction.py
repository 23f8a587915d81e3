"""`make bench-redaction`: the redactor's throughput on the test corpus and on adversarial input.

Prints MB/s (UTF-8 bytes of input per second of CPU), each beside the throughput of a bare pass
over the same text measured in the same run (Unicode NFKC normalisation and one regular
expression splitting it into words: the least any reader of the text does), and how the time
grows from a quarter megabyte to a whole one: linear input gives about 4.0. The best of --rounds
rounds counts (the machine's noise only ever adds time).
"""

import argparse
import os
import re
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from tests.tickets.redaction_corpus import SECRETS, UNTOUCHED  # noqa: E402
from tickets.redaction import REDACTED, redact  # noqa: E402

MB = 1_000_000


def adversarial(size: int) -> dict[str, str]:
    """Inputs that make a careless redactor slow: long runs, many separators, many keywords."""

    def fill(unit: str) -> str:
        return unit * max(1, size // len(unit.encode()))

    return {
        "digits only": fill("4"),
        "digits spaced out": fill("4 "),
        "groups of four": fill("4111 "),
        "Luhn-valid cards": fill("4111 1111 1111 1111 "),
        "dots and slashes": fill("1.2/3-"),
        "line breaks": fill("4111\n"),
        "zero-width digits": fill("4\u200b1\u200b"),
        "full-width digits": fill("４１１１　"),
        "keywords only": fill("otp pin cvv sandi 密码 "),
        "keywords and codes": fill("OTP 123456 PIN 1 2 3 4 "),
        "password separators": fill("password: "),
        "mixed scripts": fill(
            "我的卡号是4012888888881881,kode OTP saya 4 8 2 9 1 3, pw: Bandung123. "
        ),
    }


def throughput(texts: list[str], function, rounds: int) -> float:
    size = sum(len(text.encode()) for text in texts)
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for text in texts:
            function(text)
        best = min(best, time.process_time() - started)
    return size / MB / max(best, 1e-9)


def redactor(text: str):
    return redact(text, replacement=REDACTED)


_WORDS = re.compile(r"\w+")


def bare(text: str):
    """One pass that any reader of the text makes: normalise it, split it into words."""
    return _WORDS.findall(unicodedata.normalize("NFKC", text))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=MB, help="bytes of each adversarial input")
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()

    corpus = [case.text for case in SECRETS] + [case.text for case in UNTOUCHED]
    print("Redactor throughput (MB/s of UTF-8 input, CPU time, best of", options.rounds, "rounds)")
    print(f"  {'input':24} {'redact':>9} {'bare':>9} {'ratio':>7} {'1/4 MB -> 1 MB':>15}")
    size = sum(len(text.encode()) for text in corpus)
    mine = throughput(corpus * 20, redactor, options.rounds)
    base = throughput(corpus * 20, bare, options.rounds)
    print(f"  {'corpus (' + str(len(corpus)) + ' texts)':24} {mine:9.2f} {base:9.2f} "
          f"{base / mine:6.0f}x {'':>15}   {size / 1000:.0f} kB")  # fmt: skip
    quarter = adversarial(options.size // 4)
    for name, text in adversarial(options.size).items():
        mine = throughput([text], redactor, options.rounds)
        base = throughput([text], bare, options.rounds)
        small = throughput([quarter[name]], redactor, options.rounds)
        growth = (len(text.encode()) / mine) / (len(quarter[name].encode()) / small)
        print(f"  {name:24} {mine:9.2f} {base:9.2f} {base / mine:6.0f}x {growth:15.1f}")


if __name__ == "__main__":
    main()
