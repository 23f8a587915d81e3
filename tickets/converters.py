"""URL converters, registered once on import by both URL modules."""

from django.urls import register_converter


class ReferenceConverter:
    regex = r"[A-Za-z0-9]{1,6}-[A-Za-z0-9]{6,8}"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "ref")
