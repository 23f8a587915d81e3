"""A category's `details` in the API: what each category's web form asks, as JSON Schema for the
OpenAPI document and as the values its form validates. One source (tickets.forms), so the
schema, the form and the API cannot drift apart.

The schema states every rule JSON Schema can: required fields, lengths, choices, formats, and
"the last 4 digits when paid by bank card". What it cannot (a date not in the future, a refund
asked after the purchase) is said in the field's description and answered as a 400 naming it.
"""

from django import forms
from django.utils.translation import gettext as _

from tickets.forms import (
    AmountField,
    PastDateField,
    PastDateTimeField,
    TicketForm,
    TransactionReferenceField,
)

# A phone number as TicketForm.clean_phone reads it: 8 to 15 digits, maybe a leading +, with
# spaces, dots, dashes and brackets anywhere.
SEPARATORS = r"[\s().-]*"
REFERENCE = r"(?=(?:[^0-9\s,;]*[0-9]){6})[A-Za-z0-9][A-Za-z0-9-]{6,38}[A-Za-z0-9]"
PATTERNS = {
    "transaction_reference": rf"^{REFERENCE}$",
    "transaction_references": rf"^(?:{REFERENCE}(?:[\s,;]+{REFERENCE})*)?$",
    "registered_phone": rf"^{SEPARATORS}\+?(?:{SEPARATORS}[0-9]){{8,15}}{SEPARATORS}$",
    "earlier_reference": r"^(?:[A-Za-z0-9]{1,6}-[2-9A-HJ-NP-Za-hj-np-z]{6,8})?$",
}
# A positive amount as written in Indonesia or elsewhere: 45.000, 45,000, Rp 1.850.000, 12.50.
AMOUNT = (
    r"^(?:Rp ?)?(?=[0-9.,]*[1-9])"
    r"(?:[0-9]{1,3}(?:[.,][0-9]{3}){1,4}|[0-9]{1,15}(?:[.,][0-9]{1,2})?)$"
)
PHONE = rf"^{SEPARATORS}(?:\+?(?:{SEPARATORS}[0-9]){{8,15}}{SEPARATORS})?$"  # or none
# What the pattern cannot say about a phone number (tickets.forms.clean_phone_number).
PHONE_RULE = (
    "Stored in E.164 (+6281234567890); a number without a country code is Indonesian. Digits "
    "that no numbering plan has are refused (400)."
)
NOT_BLANK = r"^(?=[\s\S]*\S)[^\x00]*$"  # what CharField leaves after stripping spaces, no NUL
TEXT = r"^[^\x00]*$"
YES_NO = ("yes", "no")
MAX_AMOUNT = 10**15


def _yes_no(field) -> bool:
    return (
        isinstance(field, forms.TypedChoiceField)
        and tuple(value for value, _label in field.choices) == YES_NO
    )


def field_schema(name: str, field: forms.Field) -> dict:
    """One form field as JSON Schema (the API's JSON types for it)."""
    help_text = str(field.help_text or "")
    if _yes_no(field):
        schema = {"anyOf": [{"type": "boolean"}, {"type": "string", "enum": list(YES_NO)}]}
    elif isinstance(field, forms.ChoiceField):
        schema = {"type": "string", "enum": [value for value, _label in field.choices]}
    elif isinstance(field, AmountField):
        schema = {
            "anyOf": [
                {"type": "string", "pattern": AMOUNT, "maxLength": 30},
                {"type": "integer", "minimum": 1, "maximum": MAX_AMOUNT},
            ]
        }
        help_text = "More than zero: a string such as 45.000 or Rp 1.850.000, or a whole number."
    elif isinstance(field, PastDateTimeField):
        schema = {"type": "string", "format": "date-time"}
        help_text = "Not in the future. ISO 8601; without an offset: Asia/Jakarta time."
    elif isinstance(field, PastDateField):
        schema = {"type": "string", "format": "date"}
        help_text = "Not in the future."
    elif isinstance(field, forms.EmailField):
        schema = {"type": "string", "format": "email"}
    else:
        schema = {"type": "string"}
        if field.max_length:
            schema["maxLength"] = field.max_length
        pattern = PATTERNS.get(name) or next(
            (v.regex.pattern for v in field.validators if hasattr(v, "regex")), None
        )
        schema["pattern"] = pattern or (NOT_BLANK if field.required else TEXT)
        if isinstance(field, TransactionReferenceField):
            help_text = help_text or "e.g. TRX-20261121-8F3K2Q"
        if name == "registered_phone":
            help_text = f"{help_text} {PHONE_RULE}".strip()
    if not field.required:  # null: not given (OpenAPI 3.0 spells it `nullable`)
        (schema["anyOf"][0] if "anyOf" in schema else schema)["nullable"] = True
    described = {"description": help_text} if help_text else {}
    return {**schema, "title": str(field.label), **described}


def details_schema(form_class: type[TicketForm]) -> dict:
    """The category's `details` object."""
    fields = form_class.base_fields
    schema = {
        "type": "object",
        "properties": {name: field_schema(name, fields[name]) for name in form_class.detail_fields},
        "required": [name for name in form_class.detail_fields if fields[name].required],
        "additionalProperties": False,
    }
    if "card_last4" in form_class.detail_fields:  # PaymentFailedForm.clean
        others = [m for m, _label in fields["payment_method"].choices if m != "bank_card"]
        schema["anyOf"] = [
            {"properties": {"payment_method": {"enum": others}}},
            {
                "properties": {
                    "payment_method": {"enum": ["bank_card"]},
                    "card_last4": {"type": "string"},
                },
                "required": ["card_last4"],
            },
        ]
        schema["description"] = "`card_last4` is needed when `payment_method` is bank_card."
    if not schema["required"]:
        del schema["required"]
    return schema


def form_values(form_class: type[TicketForm], details: dict) -> tuple[dict, dict]:
    """The details as the form's data, and the errors of values of the wrong JSON type (keyed
    "details.<name>"). Unknown names are the caller's to report."""
    fields = form_class.base_fields
    values, errors = {}, {}
    for name in form_class.detail_fields:
        if name not in details:
            continue
        value, field = details[name], fields[name]
        if value is None:
            value = ""
        elif isinstance(value, bool) and _yes_no(field):
            value = "yes" if value else "no"
        elif (
            isinstance(value, int)
            and not isinstance(value, bool)
            and isinstance(field, AmountField)
        ):
            value = str(value)
        elif not isinstance(value, str):
            errors[f"details.{name}"] = [_("Send this as text.")]
            continue
        values[name] = value
    return values, errors
