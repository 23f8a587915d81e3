"""`make screenshots`: pictures of the main pages for the README, on a phone and a desktop.

Serves a throw-away SQLite database loaded by seed_demo with runserver, then drives Debian's
Chromium with Playwright. Writes docs/screenshots/<page>-<phone|desktop>.png.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
VIEWPORTS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 860}},
}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"screenshots: the server at {url} did not start")


def fill_payment_form(page, *, amount: str) -> None:
    page.fill("#id_subject", "Bayar QRIS gagal tapi saldo terpotong")
    page.fill("#id_transaction_reference", "TRX-20261121-8F3K2Q")
    page.fill("#id_amount", amount)
    page.fill("#id_occurred_at", "2026-11-21T08:14")
    page.select_option("#id_payment_method", "qris")
    page.fill("#id_merchant", "Kedai Kopi Senopati")
    page.fill("#id_description", "Saldo terpotong Rp45.000 tapi kasir bilang belum masuk.")
    page.fill("#id_email", "andi.pratama@example.net")
    page.fill("#id_name", "Andi Pratama")
    page.locator("form.ticket-form button.button-primary").click()


# A reply claiming to be the customer's, from a server that is not theirs (README "Security"):
# the agent sees it with a warning (staff-unverified-*.png).
SPOOF = """
from django.core.management import call_command
import io
from tickets.models import Ticket
ticket = Ticket.objects.filter(queue__slug="payments").exclude(requester__email="").first()
raw = (
    f"From: {ticket.requester.email}\\r\\nTo: {ticket.queue.email}\\r\\n"
    f"Subject: Re: [{ticket.reference}] {ticket.subject}\\r\\n"
    "Message-ID: <spoof-1@evil.example>\\r\\n"
    "Authentication-Results: mx.evil.example; spf=fail; dmarc=fail\\r\\n"
    "Content-Type: text/plain; charset=utf-8\\r\\n\\r\\n"
    "Tolong kirim refund ke rekening BCA 1234567890 atas nama Mallory.\\r\\n"
).encode()
call_command("ingest_email", sender="mallory@evil.example", stdin=io.BytesIO(raw))
print(ticket.reference)
"""


def capture(browser, base: str, device: str) -> None:
    context = browser.new_context(**VIEWPORTS[device], locale="id-ID")
    page = context.new_page()

    def shot(name: str) -> None:
        page.screenshot(path=str(OUT / f"{name}-{device}.png"), full_page=True)

    page.goto(base + "/")
    shot("help-centre")  # with the demo incident's banner
    page.goto(base + "/status/")
    shot("status")
    page.goto(base + "/tickets/new/payment_failed/")
    # A screenshot chosen before the error is kept ("Already attached"): any PNG will do.
    receipt = {"name": "bukti-transfer.png", "mimeType": "image/png", "buffer": page.screenshot()}
    page.set_input_files("#id_attachments", receipt)
    fill_payment_form(page, amount="-5")
    shot("form-error")
    fill_payment_form(page, amount="45.000")
    page.wait_for_selector("#ticket-reference")
    shot("confirmation")
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "siti@example.com")
    page.fill("#id_password", "demo-pass-2026")
    page.locator("form.card button[type=submit]").click()
    page.get_by_text("Ada transaksi yang bukan saya").click()
    page.wait_for_selector(".thread")
    shot("ticket")
    # Where minutes count, the form opens with what to do at once (admin's urgent routes).
    page.goto(base + "/tickets/new/suspicious_transaction/")
    page.screenshot(path=str(OUT / f"urgent-route-{device}.png"))
    page.goto(base + "/help/search/?q=%00")  # a request we cannot read: the 400 page
    shot("bad-request")
    context.close()


def capture_staff(browser, base: str, spoofed: str, sign_in_code) -> None:
    """The agent's side, on a desktop: dashboard, a queue and a ticket (staff-*.png); the
    ticket with a spoofed reply on a desktop and a phone."""
    context = browser.new_context(**VIEWPORTS["desktop"], locale="en-GB")
    page = context.new_page()

    def shot(name: str) -> None:
        page.screenshot(path=str(OUT / f"staff-{name}.png"), full_page=True)

    def unverified(device: str) -> None:
        page.goto(f"{base}/staff/tickets/{spoofed}/")
        page.wait_for_selector(".thread")
        shot(f"unverified-{device}")

    page.goto(base + "/staff/login/")
    page.fill("#id_username", "budi@example.com")
    page.fill("#id_password", "demo-pass-2026")
    page.locator("form.card button[type=submit]").click()
    if "/login/code/" in page.url:  # the demo staff have an authenticator (seed_demo)
        page.fill("#id_code", sign_in_code())
        page.locator("form.card button[type=submit]").click()
    page.wait_for_selector("h1")
    shot("dashboard")
    page.goto(base + "/staff/queue/?queue=payments&view=all")
    shot("queue")
    page.locator("#queue-rows a[href*='/staff/tickets/']").first.click()
    page.wait_for_selector(".thread")
    shot("ticket")
    unverified("desktop")
    page.set_viewport_size(VIEWPORTS["phone"]["viewport"])
    unverified("phone")
    page.set_viewport_size(VIEWPORTS["desktop"]["viewport"])
    capture_workspace(page, base, shot)
    context.close()


def capture_lead(browser, base: str, sign_in_code) -> None:
    """A lead's incident pages (staff-incidents.png, staff-incident-*.png)."""
    context = browser.new_context(**VIEWPORTS["desktop"], locale="en-GB")
    page = context.new_page()
    page.goto(base + "/staff/login/")
    page.fill("#id_username", "lead@example.com")
    page.fill("#id_password", "demo-pass-2026")
    page.locator("form.card button[type=submit]").click()
    if "/login/code/" in page.url:
        page.fill("#id_code", sign_in_code())
        page.locator("form.card button[type=submit]").click()
    page.wait_for_selector("h1")
    page.goto(base + "/staff/incidents/")
    page.screenshot(path=str(OUT / "staff-incidents.png"), full_page=True)
    page.locator("main a[href*='/staff/incidents/']").filter(has_text="BRI").first.click()
    page.wait_for_selector("#incident-progress")
    incident_url = page.url
    page.screenshot(path=str(OUT / "staff-incident-desktop.png"), full_page=True)
    page.set_viewport_size(VIEWPORTS["phone"]["viewport"])
    page.goto(incident_url)
    page.screenshot(path=str(OUT / "staff-incident-phone.png"), full_page=True)
    context.close()


def capture_workspace(page, base: str, shot) -> None:
    """The agent workspace's tools: a refund ticket's panel, the picker with a macro's preview,
    the notification centre, going away, and the ticket page in Chinese."""
    page.goto(base + "/staff/queue/?queue=refunds&view=all")
    page.locator("#queue-rows a[href*='/staff/tickets/']").first.click()
    page.wait_for_selector(".thread")
    ticket_url = page.url
    shot("refund-ticket")
    page.keyboard.press(";")
    page.fill("#picker-input", "refund")
    page.wait_for_selector("#picker-list [role=option]")
    shot("picker")
    page.locator("#picker-list [role=option]", has_text="Refund").first.click()
    page.wait_for_selector("#macro-preview", state="attached")
    page.wait_for_timeout(300)
    shot("macro-preview")
    page.goto(base + "/staff/notifications/")
    shot("notifications")
    page.goto(base + "/staff/")
    page.locator("#availability-toggle").click()
    page.wait_for_selector("#away-dialog[open]")
    page.screenshot(path=str(OUT / "staff-away.png"))
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.select_option("#staff-language", "zh-hans")
    page.goto(ticket_url)
    page.wait_for_selector(".thread")
    shot("ticket-zh-hans")
    with page.expect_navigation():
        page.select_option("#staff-language", "en")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with tempfile.TemporaryDirectory() as var:
        env = dict(
            os.environ,
            DEBUG="true",
            VAR_DIR=var,
            DATABASE_URL=f"sqlite:///{var}/db.sqlite3",
            SITE_URL=f"http://127.0.0.1:{port}",  # the private link shown names this server
        )
        for key in ("REDIS_URL", "CELERY_BROKER_URL"):
            env.pop(key, None)
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [*manage, "seed_demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )
        spoofed = subprocess.run(
            [*manage, "shell", "-c", SPOOF], cwd=ROOT, env=env, check=True, capture_output=True
        )
        spoofed_reference = spoofed.stdout.split()[-1].decode()
        server = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base + "/healthz")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
                )
                for device in VIEWPORTS:
                    capture(browser, base, device)
                sign_in_code = lambda: (  # noqa: E731
                    subprocess.run(
                        [*manage, "demo_totp"], cwd=ROOT, env=env, check=True, capture_output=True
                    )
                    .stdout.decode()
                    .strip()
                )
                capture_staff(browser, base, spoofed_reference, sign_in_code)
                capture_lead(browser, base, sign_in_code)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"screenshots: wrote {len(list(OUT.glob('*.png')))} files to {OUT.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
