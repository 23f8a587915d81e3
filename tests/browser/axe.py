"""What the browser tests check on every page they look at: axe-core's findings, and what the
Content-Security-Policy refused. One copy, so every page is held to the same bar."""

from axe_playwright_python.sync_playwright import Axe

GRAVE = ("serious", "critical")
EVERY_IMPACT = ("minor", "moderate", "serious", "critical")


class PolicyRefusals(list):
    """What the Content-Security-Policy refused on the page, except while axe-core runs: its
    injected script styles elements inline, and those refusals are axe's, not the page's."""

    def __init__(self, page) -> None:
        super().__init__()
        self.axe_running = False
        page.on("console", self.heard)

    def heard(self, message) -> None:
        if "Content Security Policy" in message.text and not self.axe_running:
            self.append(message.text)


def violations(
    page, refused: PolicyRefusals | None = None, *, impacts=GRAVE, context=None
) -> list[str]:
    """axe-core's findings of these impacts (serious and critical unless told), each with the
    elements it found them on, so a failing assertion names them. `context` limits the check
    to part of the page (axe's include/exclude)."""
    if refused is not None:
        refused.axe_running = True
    results = Axe().run(page, context=context)
    if refused is not None:
        # Console messages arrive after the evaluation that caused them.
        page.wait_for_timeout(300)
        refused.axe_running = False
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} "
        + "; ".join(str(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
        if violation["impact"] in impacts
    ]
