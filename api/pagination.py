"""Pagination whose parameters are checked like every other: a `page_size` outside 1 to the
maximum, a `page` that is not a whole number from 1, an empty `cursor` are each a 400 naming
it, as the schema says, not a silent default. (A page past the end, or a cursor that is not
one of ours, is a 404.)"""

import binascii
import re
from base64 import b64decode
from urllib import parse

from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination

from .details import NOT_BLANK
from .filtering import GIVE_A_VALUE
from .schema import constrain


class CheckedPageSize:
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            message = _("A whole number from 1 to %(most)d.") % {"most": self.max_page_size}
            raise exceptions.ValidationError({self.page_size_query_param: [message]})
        return size

    def get_schema_operation_parameters(self, view):
        return constrain(
            super().get_schema_operation_parameters(view),
            self.page_size_query_param,
            minimum=1,
            maximum=self.max_page_size,
        )


class PageNumbers(CheckedPageSize, pagination.PageNumberPagination):
    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        if not re.fullmatch(r"[0-9]+", raw) or int(raw) < 1:
            message = _("A whole number from 1.")
            raise exceptions.ValidationError({self.page_query_param: [message]})
        return raw

    def get_schema_operation_parameters(self, view):
        return constrain(
            super().get_schema_operation_parameters(view), self.page_query_param, minimum=1
        )


class Cursor(CheckedPageSize, pagination.CursorPagination):
    def decode_cursor(self, request):
        raw = request.query_params.get(self.cursor_query_param)
        if raw is not None and not raw.strip():
            raise exceptions.ValidationError({self.cursor_query_param: [GIVE_A_VALUE]})
        if raw is not None:  # DRF reads any text as a cursor (the first page); only ours are
            try:
                tokens = parse.parse_qs(b64decode(raw, validate=True).decode("ascii"))
            except (binascii.Error, ValueError):
                tokens = {}
            if not tokens.keys() & {"o", "r", "p"}:
                raise exceptions.NotFound(self.invalid_cursor_message)
        return super().decode_cursor(request)

    def get_schema_operation_parameters(self, view):
        return constrain(
            super().get_schema_operation_parameters(view),
            self.cursor_query_param,
            minLength=1,
            pattern=NOT_BLANK,
        )
