from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField


class Contact(models.Model):
    """A person who asks for help: a guest (no user) or a signed-up customer.

    Guests are contacts without a user; when someone signs up and verifies this email address, the
    contact (and so every earlier ticket) is attached to the new user.
    """

    email = models.EmailField(_("email"))
    # E.164 ("+6281234567890"), whatever spacing or prefix it was typed with.
    phone = PhoneNumberField(_("phone"), blank=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Set when the person's data was erased at their request (privacy.erasure): the row stays,
    # anonymised, so their tickets keep a requester for reports; their links open nothing.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="contact_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email

    def save(self, *args, **kwargs) -> None:
        self.email = self.normalize_email(self.email)
        super().save(*args, **kwargs)

    @staticmethod
    def normalize_email(email: str) -> str:
        return email.strip().lower()
