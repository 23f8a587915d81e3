"""Rendering and sending our emails: templates/emails/<name>/{subject.txt, body.txt, body.html},
in the recipient's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation


def render_email(name: str, context: dict, language: str) -> tuple[str, str, str | None]:
    with translation.override(language):
        subject = render_to_string(f"emails/{name}/subject.txt", context)
        text = render_to_string(f"emails/{name}/body.txt", context)
        try:
            html = render_to_string(f"emails/{name}/body.html", context)
        except TemplateDoesNotExist:
            html = None
    return " ".join(subject.split()), text, html


def send_email(
    name: str, *, to: str, context: dict, language: str, headers: dict | None = None
) -> None:
    subject, text, html = render_email(name, context, language)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [to], headers=headers or {}
    )
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
