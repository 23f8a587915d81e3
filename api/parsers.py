"""JSON bodies of a sane shape: nested at most MAX_DEPTH deep.

A ticket is a flat object with one object of details; nothing we take nests deeper than a few
levels. A body nested a thousand levels deep made the JSON decoder raise RecursionError (a 500),
and one a little shallower would have reached recursive code after it (the redactor walks the
details). Both are refused as a parse error: 400 problem JSON.
"""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


def depth(value) -> int:
    """How deeply lists and objects nest in a parsed JSON value (a scalar is 0)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        too_deep = _("The JSON is nested more than %(depth)d levels deep.") % {"depth": MAX_DEPTH}
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(too_deep) from None
        if depth(data) > MAX_DEPTH:
            raise ParseError(too_deep)
        return data
