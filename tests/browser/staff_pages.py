"""What the staff layout and accessibility tests open: a refund ticket with every detail, an
account ticket with a phone number, and a queue with a guest whose 70-character email is all
there is of them and a long Chinese subject."""

from playwright.sync_api import expect

from tests.factories import ContactFactory, TicketFactory
from tickets.models import Category

PASSWORD = "correct-horse-battery"
VIEWPORTS = {
    "1440x900": {"width": 1440, "height": 900},
    "1280x720": {"width": 1280, "height": 720},
}
LONG_EMAIL = "sri.wahyuningsih.kusumawardhani.pratiwi.anggraeni.2026@mail.example.id"
CHINESE_SUBJECT = (
    "我的退款申请已经提交了三个星期但是至今仍然没有收到任何回复，商户说钱已经退回到钱包里了，"
    "可是我的余额一直没有变化，请尽快帮我查一下这笔交易到底怎么了，谢谢"
)
REFUND_DETAILS = {
    "transaction_reference": "TRX-20261121-8F3K2Q",
    "amount": "1850000",
    "currency": "IDR",
    "transaction_date": "2026-11-21",
    "merchant": "Tokopedia",
    "reason": "The merchant cancelled the order but the money never came back.",
    "refund_requested_on": "2026-11-22",
}


def sign_in(page, site: str, user) -> None:
    page.goto(site + "/staff/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Hello")


def refund_ticket(queue, **fields):
    contact = ContactFactory(name="Dewi Lestari", phone="+6281234567890")
    return TicketFactory(
        queue=queue,
        requester=contact,
        category=Category.objects.get(code="refund"),
        subject="Refund for a cancelled Tokopedia order",
        details=REFUND_DETAILS,
        **fields,
    )


def account_ticket(queue):
    return TicketFactory(
        queue=queue,
        category=Category.objects.get(code="account_access"),
        subject="Locked out after changing my phone",
        details={
            "registered_phone": "+6281298765432",
            "registered_email": "budi.santoso@example.co.id",
            "what_happened": "changed_number",
        },
    )


def guest_with_a_long_email_ticket(queue):
    assert len(LONG_EMAIL) == 70
    return TicketFactory(
        queue=queue, requester=ContactFactory(name="", email=LONG_EMAIL), subject=CHINESE_SUBJECT
    )


def one_line(locator) -> dict:
    """How the element's text lies: its boxes (one per line an inline element is on), its
    content's height (without padding and borders) against its line height, its width, and
    its parent's width."""
    return locator.evaluate(
        """element => {
            const style = getComputedStyle(element);
            const box = element.getBoundingClientRect();
            const edges = ["paddingTop", "paddingBottom", "borderTopWidth", "borderBottomWidth"]
                .reduce((sum, edge) => sum + (parseFloat(style[edge]) || 0), 0);
            return {
                lines: element.getClientRects().length,
                height: box.height - edges,
                lineHeight: parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.45,
                width: box.width,
                parentWidth: element.parentElement.getBoundingClientRect().width,
                text: element.textContent,
            };
        }"""
    )
