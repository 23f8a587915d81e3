"""Query parameters checked as strictly as bodies: a filter given with no value, a date the
schema allows but Python cannot hold, a boolean spelt "2", an unknown ordering are each answered
as the schema says (a clear 400 naming the parameter, or a result), never silently ignored."""

import re
from datetime import UTC, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from rest_framework import exceptions
from rest_framework.filters import OrderingFilter

from .schema import constrain

LEAP_SECOND = re.compile(r"(T\d\d:\d\d:)60")
GIVE_A_VALUE = gettext_lazy("Give a value, or leave the parameter out.")


class NoBlankFilters(forms.Form):
    """A filter given with no value is an error, not "no filter" (django-filter's default):
    `?category=` is a mistake to report, and the schema gives each filter's values."""

    def clean(self):
        for name in self.fields:
            if name in self.data and any(
                not str(value).strip() for value in self.data.getlist(name)
            ):
                self.add_error(name, GIVE_A_VALUE)
        return super().clean()


class UtcDateTimeField(IsoDateTimeField):
    """RFC 3339 (what the schema's date-time format means), given to the database in UTC:
    PostgreSQL refuses offsets beyond ±15:59, which RFC 3339 allows. Lower-case "t" and "z" and
    a leap second are read; an instant before year 1 or after 9999 (in UTC) is clamped to it."""

    def to_python(self, value):
        if isinstance(value, str):
            value = LEAP_SECOND.sub(r"\g<1>59", value.strip().upper())
        parsed = super().to_python(value)
        if not parsed or not parsed.tzinfo:
            return parsed
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            if parsed.year == 1:
                return datetime.min.replace(tzinfo=UTC)
            return datetime.max.replace(tzinfo=UTC)


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class StrictBooleanField(forms.Field):
    """true/false (or 1/0); anything else is an error, not "no filter" as django-filter's is."""

    widget = forms.TextInput
    default_error_messages = {"invalid": gettext_lazy("Either true or false.")}

    def to_python(self, value):
        if value is None:
            return None
        word = str(value).strip().lower()
        if word in ("true", "1"):
            return True
        if word in ("false", "0"):
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.extra["widget"] = forms.TextInput  # not BooleanWidget, which reads "2" as absent


class StrictOrderingFilter(OrderingFilter):
    """`ordering`: fields of `ordering_fields`, comma-separated, each "-" for descending; an
    unknown field is a 400 naming the choices (DRF's drops it silently)."""

    @staticmethod
    def pattern(fields) -> str:
        term = "-?(?:" + "|".join(re.escape(field) for field in fields) + ")"
        return f"^{term}(?:,{term})*$"

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw is None:
            return self.get_default_ordering(view)
        fields = view.ordering_fields
        if not re.fullmatch(self.pattern(fields), raw):
            message = _("Comma-separated fields from: %(fields)s (each with - to reverse).")
            raise exceptions.ValidationError(
                {self.ordering_param: [message % {"fields": ", ".join(fields)}]}
            )
        return raw.split(",")

    def get_schema_operation_parameters(self, view):
        return constrain(
            super().get_schema_operation_parameters(view),
            self.ordering_param,
            "Comma-separated: " + ", ".join(view.ordering_fields) + "; - to reverse.",
            pattern=self.pattern(view.ordering_fields),
        )
