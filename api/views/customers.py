"""A customer's personal data under /api/v1/customers/<id>/ (README "Personal data"): the export
(leads and admins) and the erasure (admins), through the same privacy services and access rules
as the staff customer page."""

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from privacy import access, audit_log, erasure, export

from .. import serializers
from ..permissions import ApiKeyScope, IsStaff

CUSTOMER = OpenApiParameter(
    "customer_id", int, OpenApiParameter.PATH, description="The contact's id (staff pages show it)."
)


@extend_schema(
    summary="Export a customer's data (leads, admins)",
    description="Everything held about the customer (contact, account, tickets, messages "
    "including internal notes, events, ratings, emails, attachments' files) as a ZIP of JSON "
    "files and files, streamed. Audited.",
    parameters=[CUSTOMER],
    responses={
        (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="The ZIP."),
    },
    tags=["customers"],
)
class CustomerExport(APIView):
    permission_classes = [IsStaff, ApiKeyScope]

    def get(self, request, customer_id: int):
        contact = access.get_contact_for(request.user, customer_id)
        if not access.may_export(request.user):
            raise exceptions.PermissionDenied(
                _("Only leads and admins may export a customer's data.")
            )
        audit_log.record(request, audit_log.EXPORT, customer_id=contact.pk, detail="api")
        response = StreamingHttpResponse(export.stream(contact), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{export.filename(contact)}"'
        response["Cache-Control"] = "private, no-store"
        return response


@extend_schema(
    summary="Erase a customer's data (admins)",
    description="Anonymises the contact and their account, the texts, files and personal "
    "details of their tickets, and cancels emails waiting for them; the tickets stay for "
    "reports. With open tickets, `open_tickets` must say what to do with them (400 "
    "otherwise). A customer erased before answers 200 with `already_erased: true` and "
    "changes nothing. Audited.",
    parameters=[CUSTOMER],
    request=serializers.ErasureSerializer,
    responses={200: serializers.ErasureOutSerializer},
    examples=[
        OpenApiExample(
            "Erasure", {"reason": "Customer's request in GP-7K3M9Q", "open_tickets": "close"}
        )
    ],
    tags=["customers"],
)
class CustomerErasure(APIView):
    permission_classes = [IsStaff, ApiKeyScope]

    def post(self, request, customer_id: int) -> Response:
        contact = access.get_contact_for(request.user, customer_id)
        if not access.may_erase(request.user):
            raise exceptions.PermissionDenied(_("Only admins may erase a customer's data."))
        serializer = serializers.ErasureSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            done = erasure.erase_customer(
                contact=contact,
                by=request.user,
                reason=serializer.validated_data["reason"],
                open_tickets=serializer.validated_data.get("open_tickets"),
                request=request,
            )
        except erasure.ChoiceNeeded as error:
            raise exceptions.ValidationError({"open_tickets": [str(error)]}) from None
        return Response(
            serializers.ErasureOutSerializer(
                {
                    "customer": done.contact_id,
                    "already_erased": done.already,
                    "erased_at": done.erased_at,
                    "tickets": done.tickets,
                    "closed": done.closed,
                    "kept_open": done.kept_open,
                    "detail": done.message,
                }
            ).data
        )
