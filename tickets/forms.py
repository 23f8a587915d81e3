"""Customer forms: one ticket form per category (docs/design.md section 4), replies, ratings, links.

Each category form asks for what an agent needs to act without asking back, and validates it:
amounts positive (written the Indonesian way, 45.000, or any other), dates not in the future,
transaction references in a plausible format, last-4 digits exactly four digits.
"""

import re
import uuid
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

import phonenumbers
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from phonenumber_field.phonenumber import PhoneNumber, to_python

from .attachments import MAX_BYTES, MAX_FILES, clean_uploads
from .models import Category

# A wallet transaction reference: 8-40 letters, digits and dashes with at least 6 digits,
# e.g. TRX-20261121-8F3K2Q or 2611211234567890123.
TRANSACTION_REFERENCE = re.compile(r"^(?=(?:[^0-9]*[0-9]){6})[A-Z0-9][A-Z0-9-]{6,38}[A-Z0-9]$")
TICKET_REFERENCE = re.compile(r"^[A-Z0-9]{1,6}-[2-9A-HJ-NP-Z]{6,8}$")
PHONE = re.compile(r"^\+?[0-9]{8,15}$")


# The answer to a number of the right shape that no numbering plan has (api.schema says so in
# words: JSON Schema cannot).
NO_SUCH_PHONE_NUMBER = _(
    "No phone number has these digits: check them, and the country code if it is not +62."
)


def international(digits: str) -> str:
    """Digits that start with the country code (62812..., as Indonesians often write it) are
    the international form without its +: libphonenumber would read them as a national number
    (+62 62812...), a different phone."""
    code = str(phonenumbers.country_code_for_region(settings.PHONENUMBER_DEFAULT_REGION))
    return "+" + digits if digits.isdigit() and digits.startswith(code) else digits


def clean_phone_number(value: str) -> str:
    """A phone number as customers type it (spaces, dots, dashes and brackets anywhere), in
    E.164: "0812 3456 7890", "62812-3456-7890" and "+62 812 3456 7890" are all "+6281234567890".
    Without a country code it is Indonesian (PHONENUMBER_DEFAULT_REGION). Empty stays empty."""
    phone = re.sub(r"[\s().-]", "", value)
    if not phone:
        return ""
    if not PHONE.match(phone):
        raise ValidationError(
            _("Enter a phone number such as 0812 3456 7890 or +62 812 3456 7890.")
        )
    number = to_python(international(phone))
    if not isinstance(number, PhoneNumber) or not number.is_valid():
        raise ValidationError(NO_SUCH_PHONE_NUMBER)
    return number.as_e164


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to MAX_FILES pictures or PDFs, checked by content; cleans to a list of CleanFile."""

    widget = MultipleFileInput(
        attrs={"accept": "image/jpeg,image/png,image/webp,image/gif,application/pdf"}
    )

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        # Lazy: the sentence is translated when a page is drawn, in that visitor's language.
        kwargs.setdefault(
            "help_text",
            format_lazy(
                _("Up to {count} screenshots, photos or PDFs, {size} MB each."),
                count=MAX_FILES,
                size=MAX_BYTES // (1024 * 1024),
            ),
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        if self.required and not uploads:
            raise ValidationError(self.error_messages["required"], code="required")
        return clean_uploads(uploads)


class AmountField(forms.CharField):
    """A positive amount as customers type it: 45.000, 45,000, Rp 1.850.000, 12.50."""

    default_error_messages = {
        "invalid": _("Enter an amount such as 45.000 or 45000."),
        "not_positive": _("The amount must be more than zero."),
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "maxlength": 30})

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if len(value) > 30:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        text = re.sub(r"(?i)^(rp\.?|idr|usd|sgd|rmb|cny|¥|\$)\s*", "", value.strip()).replace(
            " ", ""
        )
        if re.fullmatch(r"-[\d.,]+", text):
            raise ValidationError(self.error_messages["not_positive"], code="not_positive")
        if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", text):  # thousands separators
            text = re.sub(r"[.,]", "", text)
        elif re.fullmatch(r"\d+(?:[.,]\d{1,2})?", text):  # decimals with a point or a comma
            text = text.replace(",", ".")
        else:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if amount <= 0:
            raise ValidationError(self.error_messages["not_positive"], code="not_positive")
        return amount


def not_in_future(value) -> None:
    now = timezone.localtime()
    if isinstance(value, datetime) and value > now:
        raise ValidationError(_("This cannot be in the future."), code="future")
    if isinstance(value, date) and not isinstance(value, datetime) and value > now.date():
        raise ValidationError(_("This cannot be in the future."), code="future")


def _transaction_reference(value: str) -> str:
    value = value.strip().upper()
    if not TRANSACTION_REFERENCE.match(value):
        raise ValidationError(
            _(
                "This does not look like a transaction reference (for example "
                "TRX-20261121-8F3K2Q). You find it under History in the app."
            ),
            code="invalid_reference",
        )
    return value


class TransactionReferenceField(forms.CharField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("label", _("Transaction reference"))
        kwargs.setdefault("help_text", _("Under History in the app, e.g. TRX-20261121-8F3K2Q."))
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocapitalize": "characters", "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        return _transaction_reference(value) if value else value


class PastDateTimeField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    default_validators = [not_in_future]

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"])
        super().__init__(**kwargs)


class PastDateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    default_validators = [not_in_future]


CURRENCIES = [("IDR", "IDR"), ("USD", "USD"), ("SGD", "SGD"), ("CNY", "CNY")]


class KeepsFiles:
    """A form whose files are kept between its tries (tickets.pending_uploads): `kept` are the
    ones kept from an earlier try, shown as "Already attached" and counted within MAX_FILES
    with the files chosen now."""

    def __init__(self, *args, kept=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kept = list(kept)

    def clean_attachments(self) -> list:
        files = self.cleaned_data["attachments"]
        count = len(self.kept) + len(files)
        if files and count > MAX_FILES:
            raise ValidationError(
                _("You attached %(count)d files; at most %(limit)d can be sent with one message.")
                % {"count": count, "limit": MAX_FILES},
                code="too_many",
            )
        return files


class TicketForm(KeepsFiles, forms.Form):
    """What every topic asks: subject, description, files, and who you are when signed out."""

    category_code = ""
    # Fields whose values go into Ticket.details, in the order agents read them.
    detail_fields: tuple[str, ...] = ()

    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "true"}),
    )
    description = forms.CharField(
        label=_("What happened?"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Tell us what you did, what you expected and what you saw."),
    )
    attachments = AttachmentsField(label=_("Screenshots or receipts"))
    name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("We send your reference and a link to follow your request here."),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    # Set when the page is drawn: a resubmitted form (refresh, double click) opens one ticket.
    idempotency_token = forms.UUIDField(widget=forms.HiddenInput)
    faq_article = forms.SlugField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(self, *args, signed_in: bool = False, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_token", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.signed_in = signed_in
        if signed_in:
            for name in ("name", "email", "phone"):
                del self.fields[name]
        else:
            self.fields["email"].widget.attrs["autocomplete"] = "email"
            self.fields["name"].widget.attrs["autocomplete"] = "name"

    def clean_phone(self) -> str:
        return clean_phone_number(self.cleaned_data.get("phone", ""))

    def details(self) -> dict:
        """The structured fields as JSON-safe values for Ticket.details."""
        details = {}
        for name in self.detail_fields:
            value = self.cleaned_data.get(name)
            if value in (None, "", []):
                continue
            if isinstance(value, datetime):
                value = timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")
            elif isinstance(value, date | Decimal):
                value = str(value)
            details[name] = value
        if "amount" in details:
            details.setdefault("currency", self.cleaned_data.get("currency") or "IDR")
        return details

    @classmethod
    def describe(cls, details: dict) -> list[tuple[str, str]]:
        """(label, shown value) for each stored detail, for agents and the customer. Details
        stored by older code or by hand (an empty amount, a number as text) are shown as they
        are, never an error."""
        return [(row.label, row.value) for row in cls.detail_rows(details)]

    @classmethod
    def detail_rows(cls, details: dict) -> list["DetailRow"]:
        """describe() with what agents copy into the wallet's tools: references, amounts
        (the number, without currency or separators) and phone numbers."""
        fields = cls.base_fields
        shown = []
        for name in cls.detail_fields:
            value = details.get(name)
            if value in (None, "", []) or name == "currency":
                continue
            field = fields[name]
            raw = str(value)
            if isinstance(value, bool):
                value = _("Yes") if value else _("No")
            elif getattr(field, "choices", None):
                value = dict(field.choices).get(value, value)
            elif name == "amount":
                value = f"{details.get('currency', 'IDR')} {_group_thousands(value)}"
            elif isinstance(field, PastDateTimeField):
                value = str(value).replace("T", " ")
            kind = _copy_kind(name, field)
            shown.append(DetailRow(name, str(field.label), str(value), kind, raw if kind else ""))
        return shown

    @classmethod
    def validated_details(cls, details: dict) -> dict:
        """Structured fields as the form would store them, validated as a customer's are
        (seed_demo's and generate_tickets' data); raises ValueError naming what is wrong."""
        data = {"subject": "-", "description": "-", "idempotency_token": uuid.uuid4()}
        for name, value in details.items():
            data[name] = ("yes" if value else "no") if isinstance(value, bool) else value
        form = cls(data=data, signed_in=True)
        if not form.is_valid():
            raise ValueError(f"{cls.category_code}: {form.errors.as_json()}")
        return form.details()


class DetailRow(NamedTuple):
    name: str
    label: str
    value: str
    # What a copy button beside it copies ("" for none): "transaction", "transactions",
    # "ticket", "amount" or "phone", and the text copied.
    copy: str = ""
    copy_value: str = ""


def _copy_kind(name: str, field: forms.Field) -> str:
    if isinstance(field, TransactionReferenceField):
        return "transaction"
    if isinstance(field, AmountField):
        return "amount"
    if name == "transaction_references":
        return "transactions"
    if name == "earlier_reference":
        return "ticket"
    if name.endswith("phone"):
        return "phone"
    return ""


def _group_thousands(amount) -> str:
    whole, _, cents = str(amount).partition(".")
    try:
        grouped = f"{int(whole):,}".replace(",", ".")
        return f"{grouped},{cents}" if cents and int(cents) else grouped
    except ValueError:
        return str(amount)


class PaymentFailedForm(TicketForm):
    category_code = Category.Code.PAYMENT_FAILED
    detail_fields = (
        "transaction_reference",
        "amount",
        "currency",
        "occurred_at",
        "payment_method",
        "bank",
        "merchant",
        "card_last4",
    )
    METHODS = [
        ("balance", _("Wallet balance")),
        ("bank_card", _("Bank card")),
        ("virtual_account", _("Bank transfer (virtual account)")),
        ("qris", _("QRIS")),
        ("paylater", _("PayLater")),
    ]

    transaction_reference = TransactionReferenceField()
    amount = AmountField(label=_("Amount"))
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES, initial="IDR")
    occurred_at = PastDateTimeField(label=_("When did you pay?"))
    payment_method = forms.ChoiceField(label=_("How did you pay?"), choices=METHODS)
    # Incidents match on it ("BRI virtual accounts delayed"): a bank's name is the stored value.
    BANK_METHODS = ("virtual_account", "bank_card")
    BANKS = [
        ("", _("Choose your bank")),
        *(
            (name, name)
            for name in ("BCA", "BRI", "BNI", "Mandiri", "Permata", "CIMB Niaga", "BSI")
        ),
        ("Other bank", _("Other bank")),
    ]
    bank = forms.ChoiceField(
        label=_("Which bank?"),
        choices=BANKS,
        required=False,
        help_text=_("The bank of the virtual account or of the card you paid with."),
        # ticket_form.js shows it only while one of these methods is picked
        widget=forms.Select(attrs={"data-show-when": "payment_method=virtual_account,bank_card"}),
    )
    merchant = forms.CharField(label=_("Shop or merchant"), max_length=120)
    card_last4 = forms.CharField(
        label=_("Last 4 digits of the card"),
        required=False,
        max_length=4,
        validators=[RegexValidator(r"^\d{4}$", _("Enter exactly 4 digits."))],
        help_text=_("Only if you paid by card. Never enter the full card number."),
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                # ticket_form.js shows it only while "Bank card" is picked
                "data-show-when": "payment_method=bank_card",
            }
        ),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("payment_method") == "bank_card" and not cleaned.get("card_last4"):
            self.add_error("card_last4", _("Enter the last 4 digits of the card you paid with."))
        if cleaned.get("payment_method") not in (None, "bank_card") and cleaned.get("card_last4"):
            cleaned["card_last4"] = ""
        if cleaned.get("payment_method") not in (None, *self.BANK_METHODS) and cleaned.get("bank"):
            cleaned["bank"] = ""
        return cleaned


class RefundForm(TicketForm):
    category_code = Category.Code.REFUND
    detail_fields = (
        "transaction_reference",
        "amount",
        "currency",
        "transaction_date",
        "merchant",
        "reason",
        "refund_requested_on",
    )

    transaction_reference = TransactionReferenceField(label=_("Original transaction reference"))
    amount = AmountField(label=_("Amount to refund"))
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES, initial="IDR")
    transaction_date = PastDateField(label=_("Date of the transaction"))
    merchant = forms.CharField(label=_("Shop or merchant"), max_length=120)
    reason = forms.CharField(label=_("Why should it be refunded?"), max_length=300)
    refund_requested_on = PastDateField(
        label=_("When did you ask the merchant for the refund?"), required=False
    )

    def clean(self):
        cleaned = super().clean()
        paid, asked = cleaned.get("transaction_date"), cleaned.get("refund_requested_on")
        if paid and asked and asked < paid:
            self.add_error(
                "refund_requested_on", _("This cannot be before the date of the transaction.")
            )
        return cleaned


class AccountAccessForm(TicketForm):
    category_code = Category.Code.ACCOUNT_ACCESS
    detail_fields = ("registered_phone", "registered_email", "what_happened")
    WHAT_HAPPENED = [
        ("locked_wrong_pin", _("Locked after entering a wrong PIN")),
        ("no_otp", _("I don't receive the verification code (OTP)")),
        ("lost_phone", _("My phone was lost or stolen")),
        ("changed_number", _("I changed my phone number")),
        ("blocked", _("The app says my account is blocked")),
        ("other", _("Something else")),
    ]

    registered_phone = forms.CharField(
        label=_("Phone number registered to the account"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    registered_email = forms.EmailField(label=_("Email registered to the account"), required=False)
    what_happened = forms.ChoiceField(
        label=_("What happened?"), choices=WHAT_HAPPENED, widget=forms.RadioSelect
    )

    def clean_registered_phone(self) -> str:
        return clean_phone_number(self.cleaned_data["registered_phone"])


class SuspiciousTransactionForm(TicketForm):
    category_code = Category.Code.SUSPICIOUS_TRANSACTION
    detail_fields = (
        "transaction_references",
        "amount",
        "currency",
        "occurred_at",
        "freeze_account",
    )

    transaction_references = forms.CharField(
        label=_("Transaction reference(s)"),
        required=False,
        max_length=400,
        help_text=_("One or more, separated by commas. Leave empty if you don't know."),
    )
    amount = AmountField(label=_("Amount"), required=False)
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES, initial="IDR")
    occurred_at = PastDateTimeField(label=_("When did it happen?"))
    freeze_account = forms.TypedChoiceField(
        label=_("Should we freeze your account now?"),
        choices=[("yes", _("Yes, freeze it now")), ("no", _("No, just investigate"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )

    def clean_transaction_references(self) -> str:
        raw = self.cleaned_data.get("transaction_references", "")
        references = [part for part in re.split(r"[\s,;]+", raw) if part]
        return ", ".join(_transaction_reference(reference) for reference in references)


class ComplaintForm(TicketForm):
    category_code = Category.Code.COMPLAINT
    detail_fields = ("about", "earlier_reference")
    ABOUT = [
        ("agent_conduct", _("How a support agent treated me")),
        ("delay", _("Waiting too long for an answer")),
        ("merchant", _("A merchant")),
        ("fees", _("Fees or charges")),
        ("other", _("Something else")),
    ]

    about = forms.ChoiceField(label=_("What is your complaint about?"), choices=ABOUT)
    earlier_reference = forms.CharField(
        label=_("Earlier request reference"),
        required=False,
        max_length=20,
        help_text=_("If this is about an earlier request, its reference, e.g. GP-7K3M9Q."),
    )

    def clean_earlier_reference(self) -> str:
        value = self.cleaned_data.get("earlier_reference", "").strip().upper()
        if value and not TICKET_REFERENCE.match(value):
            raise ValidationError(_("A request reference looks like GP-7K3M9Q."))
        return value


class HowToForm(TicketForm):
    category_code = Category.Code.HOW_TO


class AppProblemForm(TicketForm):
    category_code = Category.Code.APP_PROBLEM
    detail_fields = ("device", "os", "app_version", "network")
    NETWORKS = [
        ("wifi", _("Wi-Fi")),
        ("5g", "5G"),
        ("4g", "4G"),
        ("3g", _("3G or slower")),
        ("other", _("Not sure")),
    ]

    device = forms.CharField(label=_("Phone model"), max_length=80, help_text=_("e.g. Samsung A14"))
    os = forms.CharField(label=_("Operating system"), max_length=40, help_text=_("e.g. Android 14"))
    app_version = forms.CharField(
        label=_("App version"),
        max_length=20,
        validators=[RegexValidator(r"^\d+(\.\d+){1,3}$", _("Enter a version such as 5.12.1."))],
        help_text=_("In the app under Profile > About."),
    )
    network = forms.ChoiceField(label=_("Internet connection"), choices=NETWORKS)


CATEGORY_FORMS: dict[str, type[TicketForm]] = {
    form.category_code: form
    for form in (
        PaymentFailedForm,
        RefundForm,
        AccountAccessForm,
        SuspiciousTransactionForm,
        ComplaintForm,
        HowToForm,
        AppProblemForm,
    )
}


def describe_details(category_code: str, details: dict) -> list[tuple[str, str]]:
    return CATEGORY_FORMS[category_code].describe(details)


def detail_rows(category_code: str, details: dict) -> list[DetailRow]:
    return CATEGORY_FORMS[category_code].detail_rows(details)


class ReplyForm(KeepsFiles, forms.Form):
    body = forms.CharField(
        label=_("Your reply"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachments = AttachmentsField(label=_("Add screenshots or receipts"))


# The rating scale in reading order, 1 first: a customer tapping the fifth choice means five.
# Each number has words too, for screen readers and for the scale's two ends on the page.
RATING_CHOICES = [
    (1, _("Very unhappy")),
    (2, _("Unhappy")),
    (3, _("Neither happy nor unhappy")),
    (4, _("Happy")),
    (5, _("Very happy")),
]


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How happy are you with the help you got?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything you'd like to add?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LinkRequestForm(forms.Form):
    reference = forms.CharField(
        label=_("Request reference"),
        max_length=20,
        help_text=_("It looks like GP-7K3M9Q and is in the email we sent you."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("Email address you used"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def clean_reference(self) -> str:
        return self.cleaned_data["reference"].strip().upper()
