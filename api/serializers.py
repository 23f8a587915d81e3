"""Input and output shapes of the API. Field names are snake_case, timestamps ISO 8601 with
their offset, amounts strings (with their currency beside them), priorities words."""

import json
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from faq.languages import LANGUAGE_CODES, known_language
from incidents.models import Incident, IncidentJob, IncidentUpdate
from tickets import roles, services
from tickets.forms import CATEGORY_FORMS, PaymentFailedForm, ReplyForm, clean_phone_number
from tickets.models import Attachment, Category, Message, Queue, Ticket

from .details import NOT_BLANK, form_values

# Priorities are stored as numbers (an index scan for "most urgent first"); the API says words.
PRIORITY_NAME = {priority.value: priority.name.lower() for priority in Ticket.Priority}
PRIORITY_BY_NAME = {name: value for value, name in PRIORITY_NAME.items()}
PRIORITY_CHOICES = [(name, name) for name in PRIORITY_BY_NAME]


class PriorityField(serializers.ChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(choices=PRIORITY_CHOICES, **kwargs)

    def to_representation(self, value):
        return PRIORITY_NAME.get(value, value)

    def to_internal_value(self, data):
        return PRIORITY_BY_NAME[super().to_internal_value(data)]


class Input(serializers.Serializer):
    """A request body: a field the operation does not have is an error naming it (a misspelt
    "priorty" is not silently ignored); the schema says so with additionalProperties: false."""

    # Sent by HTML forms and browsers' session clients; never data.
    IGNORED = frozenset({"csrfmiddlewaretoken"})

    def to_internal_value(self, data):
        known = set(self.fields) | self.IGNORED
        unknown = (
            sorted(str(name) for name in data if name not in known) if hasattr(data, "keys") else []
        )
        errors = {name: [_("There is no such field.")] for name in unknown}
        errors |= self.blank_form_values(data)
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if errors and isinstance(error.detail, dict):
                raise serializers.ValidationError({**error.detail, **errors}) from None
            raise
        if errors:
            raise serializers.ValidationError(errors)
        return value

    def blank_form_values(self, data) -> dict:
        """An empty form (multipart or urlencoded) value for a field that may not be blank: DRF
        takes it as "not sent" when the field is optional, where the same "" in JSON is an
        error; both are errors here."""
        if not hasattr(data, "getlist"):
            return {}
        return {
            name: [_("This field may not be blank.")]
            for name, field in self.fields.items()
            if name in data
            and not field.read_only
            and getattr(field, "allow_blank", True) is False
            and "" in data.getlist(name)
        }


class Problem(serializers.Serializer):
    """A problem details object (RFC 9457)."""

    type = serializers.URLField(help_text="A stable URI naming the kind of problem.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text='Invalid input only: field name (nested as "details.amount") to messages.',
    )


# Tickets, read


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "sha256", "created_at", "download_url"]

    def get_download_url(self, attachment: Attachment) -> str:
        reference = self.context.get("reference") or attachment.ticket.reference
        return f"/api/v1/tickets/{reference}/attachments/{attachment.pk}/"


class MessageSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField()
    attachments = AttachmentSerializer(many=True)
    sender_verified = serializers.BooleanField(
        help_text="False for an email whose sender could not be verified (an internal message "
        "kept for review: do not act on it without checking with the customer)."
    )

    class Meta:
        model = Message
        fields = ["id", "kind", "author_type", "author_name", "body", "source", "created_at"]
        fields += ["attachments", "sender_verified"]


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(allow_blank=True)
    email = serializers.EmailField()


STAFF_ONLY = "Staff only; null (or empty) for customers and guests."


class TicketSerializer(serializers.ModelSerializer):
    """A ticket. The same shape for everyone; what only agents may see is null for others
    (context["staff"])."""

    priority = PriorityField()
    category = serializers.CharField(source="category_id")
    details = serializers.DictField(
        help_text="The category's structured fields (see GET /api/v1/categories/), stored "
        "redacted. Amounts are strings, with their currency in `currency`."
    )
    merged_into = serializers.SlugRelatedField(
        slug_field="reference", read_only=True, allow_null=True
    )
    follow_up_of = serializers.SlugRelatedField(
        slug_field="reference", read_only=True, allow_null=True
    )
    queue = serializers.SerializerMethodField(help_text=STAFF_ONLY)
    assignee = serializers.SerializerMethodField(help_text=STAFF_ONLY)
    requester = serializers.SerializerMethodField(help_text=STAFF_ONLY)
    tags = serializers.SerializerMethodField(help_text=STAFF_ONLY)
    sla_due_at = serializers.SerializerMethodField(help_text=STAFF_ONLY)
    escalated_at = serializers.SerializerMethodField(help_text=STAFF_ONLY)

    class Meta:
        model = Ticket
        fields = [
            "reference",
            "subject",
            "status",
            "priority",
            "category",
            "channel",
            "language",
            "details",
            "merged_into",
            "follow_up_of",
            "created_at",
            "updated_at",
            "last_activity_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "queue",
            "assignee",
            "requester",
            "tags",
            "sla_due_at",
            "escalated_at",
        ]

    @property
    def _staff(self) -> bool:
        return bool(self.context.get("staff"))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_queue(self, ticket: Ticket):
        return ticket.queue.slug if self._staff else None

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_assignee(self, ticket: Ticket):
        user = ticket.assignee if self._staff else None
        return {"id": user.pk, "name": str(user), "email": user.email} if user else None

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_requester(self, ticket: Ticket):
        if not self._staff:
            return None
        contact = ticket.requester
        return {"id": contact.pk, "name": contact.name, "email": contact.email}

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_tags(self, ticket: Ticket) -> list[str]:
        return [tag.name for tag in ticket.tags.all()] if self._staff else []

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_sla_due_at(self, ticket: Ticket):
        value = ticket.sla_due_at if self._staff else None
        return serializers.DateTimeField().to_representation(value) if value else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_escalated_at(self, ticket: Ticket):
        value = ticket.escalated_at if self._staff else None
        return serializers.DateTimeField().to_representation(value) if value else None


class TicketDetailSerializer(TicketSerializer):
    """A ticket with its thread: public messages, and internal notes for staff."""

    messages = serializers.SerializerMethodField()

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "messages"]

    @extend_schema_field(MessageSerializer(many=True))
    def get_messages(self, ticket: Ticket):
        return MessageSerializer(self.context["thread"], many=True, context=self.context).data


class CreatedTicketSerializer(TicketSerializer):
    redactions = serializers.ListField(
        child=serializers.CharField(),
        help_text="Kinds of secrets removed before saving (card, nik, otp, pin, cvv, password): "
        "tell the customer we never need them.",
    )
    access_token = serializers.CharField(
        required=False,
        help_text="Anonymous creators only: the guest link token (Authorization: GuestLink "
        "<token>) that opens this ticket for 30 days. Absent from a replayed request's answer "
        "(Idempotent-Replayed: true): the link was sent to the guest's email address.",
    )

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "redactions", "access_token"]


class MessageCreatedSerializer(serializers.Serializer):
    ticket = serializers.CharField(
        help_text="Where the message landed: this ticket, the one it was merged into, or a new "
        "follow-up when it was closed or resolved too long ago."
    )
    message = MessageSerializer()
    redactions = serializers.ListField(child=serializers.CharField())
    access_token = serializers.CharField(
        required=False, help_text="Guests only, when the message started a new follow-up."
    )


# Tickets, write


@extend_schema_field({"type": "object", "description": "See the category's variant."})
class DetailsField(serializers.Field):
    """The category's structured fields: an object (JSON), or in multipart/form-data a part
    holding the object as JSON. Each value is checked against its field in validate()."""

    default_error_messages = {
        "invalid": gettext_lazy("Send the details as an object of field: value.")
    }

    def to_internal_value(self, data):
        if isinstance(data, str) and isinstance(self.root.initial_data, QueryDict):
            try:
                data = json.loads(data) if data.strip() else {}
            except ValueError:
                self.fail("invalid")
        if not isinstance(data, dict):
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


def _uploads(view_request) -> list:
    return view_request.FILES.getlist("attachments") if view_request is not None else []


class TicketCreateSerializer(Input):
    """Validated by the category's web form (tickets.forms.CATEGORY_FORMS), so the API accepts
    exactly what the form accepts."""

    category = serializers.ChoiceField(choices=Category.Code.choices)
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=10_000)
    details = DetailsField(required=False)
    email = serializers.EmailField(
        required=False, help_text="Anonymous callers (guests) only: where we write back."
    )
    name = serializers.CharField(required=False, max_length=150, allow_blank=True)
    phone = serializers.CharField(required=False, max_length=20, allow_blank=True)
    faq_article = serializers.SlugField(
        required=False, max_length=100, allow_blank=True, help_text="The FAQ article read first."
    )

    def validate_phone(self, value: str) -> str:
        """Checked even where it is not used (a signed-in customer's), as the schema says."""
        try:
            clean_phone_number(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return value

    def validate(self, attrs):
        request = self.context["request"]
        topic = services.active_category(attrs["category"])
        if topic is None:
            raise serializers.ValidationError({"category": [_("This topic is not offered.")]})
        # A customer files as themselves; guests, and staff filing for a customer, give an email.
        signed_in = request.user.is_authenticated and not roles.is_staff_member(request.user)
        form_class = CATEGORY_FORMS[topic.code]
        details = attrs.get("details", {})
        values, errors = form_values(form_class, details)
        data = {
            **values,
            "subject": attrs["subject"],
            "description": attrs["description"],
            "idempotency_token": str(uuid.uuid4()),
            "faq_article": attrs.get("faq_article", ""),
        }
        if not signed_in:
            data |= {key: attrs.get(key, "") for key in ("email", "name", "phone")}
        form = form_class(data, {"attachments": _uploads(request)}, signed_in=signed_in)
        unknown = sorted(set(details) - set(form_class.detail_fields))
        if not form.is_valid():
            for field, messages in form.errors.items():
                name = f"details.{field}" if field in form_class.detail_fields else field
                name = "non_field_errors" if field == "__all__" else name
                errors.setdefault(name, list(messages))
        for name in unknown:
            errors[f"details.{name}"] = [_("This topic has no such field.")]
        if errors:
            raise serializers.ValidationError(errors)
        cleaned = form.cleaned_data
        return {
            "topic": topic,
            "subject": cleaned["subject"],
            "description": cleaned["description"],
            "details": form.details(),
            "attachments": cleaned["attachments"],
            "faq_article": cleaned.get("faq_article") or "",
            "email": cleaned.get("email", ""),
            "name": cleaned.get("name", ""),
            "phone": cleaned.get("phone", ""),
        }


class TicketCreateMultipartSerializer(TicketCreateSerializer):
    # `details` stays an object: a multipart part holding an object is JSON (OpenAPI 3.0).
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        max_length=5,
        help_text="Up to 5 pictures (JPEG, PNG, WebP, GIF) or PDFs of 10 MB each, checked by "
        "content; EXIF is removed.",
    )


class _FilesForm:
    """Runs the web's reply form over a body and the request's files."""

    @staticmethod
    def clean(request, body: str):

        form = ReplyForm({"body": body}, {"attachments": _uploads(request)})
        if not form.is_valid():
            raise serializers.ValidationError({k: list(v) for k, v in form.errors.items()})
        return form.cleaned_data


# The statuses an agent's public reply may set.
REPLY_STATUSES = [
    (status.value, status.label)
    for status in (
        Ticket.Status.OPEN,
        Ticket.Status.PENDING_CUSTOMER,
        Ticket.Status.ON_HOLD,
        Ticket.Status.RESOLVED,
    )
]


class MessageCreateSerializer(Input):
    body = serializers.CharField(max_length=10_000)
    status = serializers.ChoiceField(
        choices=REPLY_STATUSES,
        required=False,
        help_text="Staff only: the status the reply sets (usually pending_customer).",
    )

    def validate(self, attrs):
        request = self.context["request"]
        if "status" in attrs and not roles.is_staff_member(request.user):
            raise serializers.ValidationError({"status": [_("Only staff set a status.")]})
        cleaned = _FilesForm.clean(request, attrs["body"])
        return {**attrs, "body": cleaned["body"], "attachments": cleaned["attachments"]}


class MessageCreateMultipartSerializer(MessageCreateSerializer):
    attachments = serializers.ListField(child=serializers.FileField(), required=False, max_length=5)


class NoteCreateSerializer(Input):
    body = serializers.CharField(max_length=10_000)

    def validate(self, attrs):
        cleaned = _FilesForm.clean(self.context["request"], attrs["body"])
        return {"body": cleaned["body"], "attachments": cleaned["attachments"]}


class NoteCreateMultipartSerializer(NoteCreateSerializer):
    attachments = serializers.ListField(child=serializers.FileField(), required=False, max_length=5)


class TicketUpdateSerializer(Input):
    """Staff changes; each field given is applied through its service, all or nothing."""

    status = serializers.ChoiceField(choices=Ticket.Status.choices, required=False)
    priority = PriorityField(required=False)
    queue = serializers.SlugRelatedField(
        slug_field="slug", queryset=Queue.objects.filter(is_active=True), required=False
    )
    category = serializers.ChoiceField(choices=Category.Code.choices, required=False)
    assignee = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="A user id; null: nobody."
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, max_length=50
    )

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(_("Send at least one field to change."))
        return attrs


class MergeSerializer(Input):
    into = serializers.CharField(max_length=20, help_text="Reference of the ticket to keep.")


class RatingSerializer(Input):
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class RatingOutSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


# Categories, queues, me


class CategoryFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    type = serializers.CharField(help_text="string, amount, date, datetime, choice, email.")
    required = serializers.BooleanField()
    choices = serializers.ListField(child=serializers.CharField(), required=False)
    help_text = serializers.CharField(allow_blank=True)


class CategorySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    default_priority = PriorityField()
    fields = CategoryFieldSerializer(many=True)


class QueueSerializer(serializers.ModelSerializer):
    open_tickets = serializers.IntegerField()
    unassigned_tickets = serializers.IntegerField()

    class Meta:
        model = Queue
        fields = ["slug", "name", "description", "assignment", "open_tickets"]
        fields += ["unassigned_tickets"]


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    email = serializers.EmailField(allow_null=True)
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=["guest", "customer", "agent", "lead", "admin"])
    language = serializers.CharField()
    queues = serializers.ListField(child=serializers.CharField())
    tickets = serializers.ListField(
        child=serializers.CharField(), help_text="A guest link: the ticket it opens."
    )


class MeUpdateSerializer(Input):
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)


# Query parameters: validated by these serializers and documented from them, so the schema and
# the answers agree about what is a valid request.


@extend_schema_field({"type": "string", "enum": list(LANGUAGE_CODES)})
class LanguageField(serializers.CharField):
    """A content language; regional spellings (`en-US`, `zh_Hans`, `zh-CN`) are read as theirs."""

    def to_internal_value(self, data):
        language = known_language(super().to_internal_value(data))
        if language is None:
            raise serializers.ValidationError(
                _("One of %(codes)s.") % {"codes": ", ".join(LANGUAGE_CODES)}, code="invalid"
            )
        return language


class LanguageQuery(serializers.Serializer):
    lang = LanguageField(
        required=False,
        help_text="Content language; default: Accept-Language, else the site's.",
    )


class FaqArticlesQuery(LanguageQuery):
    category = serializers.SlugField(required=False, help_text="A topic's slug.")


class FaqSearchQuery(LanguageQuery):
    q = serializers.CharField(
        trim_whitespace=False,
        validators=[RegexValidator(NOT_BLANK, gettext_lazy("Type what you are looking for."))],
        help_text="The words.",
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=20)


class FaqSuggestionsQuery(LanguageQuery):
    q = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text="The subject typed so far."
    )
    category = serializers.ChoiceField(
        choices=Category.Code.choices, required=False, help_text="The ticket category chosen."
    )


# FAQ


class FaqArticleLinkSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    language = serializers.CharField()


class FaqCategorySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    ticket_category = serializers.CharField()
    articles = FaqArticleLinkSerializer(many=True, help_text="The most read articles.")


class FaqArticleSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    language = serializers.CharField()
    category = serializers.CharField()
    ticket_category = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)


class FaqArticleDetailSerializer(FaqArticleSerializer):
    body = serializers.CharField(help_text="Markdown source.")
    body_html = serializers.CharField(help_text="Rendered and sanitised HTML.")
    helpful_yes = serializers.IntegerField()
    helpful_no = serializers.IntegerField()


class FaqHitSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    snippet = serializers.CharField(help_text="Escaped HTML, matches in <mark>.")
    language = serializers.CharField()
    category = serializers.CharField(source="category_slug")
    ticket_category = serializers.CharField()
    rank = serializers.FloatField()


class FaqSearchSerializer(serializers.Serializer):
    query = serializers.CharField(allow_blank=True)
    language = serializers.CharField()
    corrected_query = serializers.CharField(allow_blank=True)
    fallback_language = serializers.CharField(allow_blank=True)
    results = FaqHitSerializer(many=True, source="hits")


class FaqFeedbackSerializer(Input):
    helpful = serializers.BooleanField()
    comment = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class FaqFeedbackOutSerializer(serializers.Serializer):
    helpful = serializers.BooleanField()
    comment = serializers.CharField(allow_blank=True)
    language = serializers.CharField()


# Customers' personal data (privacy): export and erasure.


class ErasureSerializer(Input):
    reason = serializers.CharField(
        max_length=500,
        help_text="Why (e.g. the ticket of the customer's request); kept in the audit log. "
        "Do not write the customer's name or address here.",
    )
    open_tickets = serializers.ChoiceField(
        choices=["close", "keep_open"],
        required=False,
        help_text="Required when the customer has open tickets: `close` closes them with an "
        "internal note, `keep_open` keeps them open without the personal data.",
    )


class ErasureOutSerializer(serializers.Serializer):
    customer = serializers.IntegerField(help_text="The contact's id.")
    already_erased = serializers.BooleanField(
        help_text="True when the customer had been erased before: nothing was changed."
    )
    erased_at = serializers.DateTimeField()
    tickets = serializers.IntegerField(help_text="Tickets anonymised by this call.")
    closed = serializers.IntegerField(help_text="Open tickets closed by this call.")
    kept_open = serializers.IntegerField(help_text="Open tickets kept open, anonymised.")
    detail = serializers.CharField(help_text="What happened, in words.")


# Incidents (README "Incidents"): read by staff, declared, updated and resolved by leads.

INCIDENT_LANGUAGES = ("id", "en", "zh_hans")
ACTIVE_STATUSES = [
    (status.value, status.label) for status in Incident.Status if status != Incident.Status.RESOLVED
]


INCIDENT_TEXTS = [f"{p}_{lang}" for p in ("title", "message") for lang in INCIDENT_LANGUAGES]


def _incident_texts(prefix: str, *, max_length: int, what: str) -> dict:
    names = {"id": "Bahasa Indonesia", "en": "English", "zh_hans": "Simplified Chinese"}
    return {
        f"{prefix}_{lang}": serializers.CharField(
            max_length=max_length,
            required=False,
            allow_blank=True,
            help_text=f"{what} in {names[lang]}.",
        )
        for lang in INCIDENT_LANGUAGES
    }


def _written(attrs: dict, prefix: str) -> bool:
    return any(str(attrs.get(f"{prefix}_{lang}", "")).strip() for lang in INCIDENT_LANGUAGES)


class IncidentJobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(help_text="done / total, 0 to 100.")
    url = serializers.SerializerMethodField()

    class Meta:
        model = IncidentJob
        fields = ["id", "kind", "state", "outcome", "total", "done", "percent", "created_at"]
        fields += ["started_at", "finished_at", "url"]

    def get_url(self, job: IncidentJob) -> str:
        return f"/api/v1/incidents/{job.incident_id}/jobs/{job.pk}/"


class IncidentUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = IncidentUpdate
        fields = ["id", "status", "message_id", "message_en", "message_zh_hans"]
        fields += ["notify_customers", "posted_at"]


class IncidentSerializer(serializers.ModelSerializer):
    categories = serializers.SerializerMethodField()
    payment_methods = serializers.ListField(child=serializers.CharField())
    banks = serializers.ListField(child=serializers.CharField())
    merchants = serializers.ListField(child=serializers.CharField())
    tag = serializers.CharField(
        source="tag.name", allow_null=True, help_text="The tag its tickets carry."
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = ["id", "status", *INCIDENT_TEXTS, "categories", "payment_methods"]
        fields += ["banks", "merchants", "match_new_tickets", "show_banner", "started_at"]
        fields += ["expected_end_at", "resolved_at", "tag", "created_at", "updated_at", "url"]

    def get_categories(self, incident: Incident) -> list[str]:
        return sorted(category.pk for category in incident.categories.all())

    def get_url(self, incident: Incident) -> str:
        return f"/api/v1/incidents/{incident.pk}/"


class IncidentDetailSerializer(IncidentSerializer):
    ticket_counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Linked tickets per status (every status, zeros included).",
    )
    updates = IncidentUpdateSerializer(many=True, help_text="Newest first.")
    job = IncidentJobSerializer(
        allow_null=True,
        help_text="The job telling its customers or resolving its tickets: the running one, "
        "else the latest; null if none.",
    )

    class Meta(IncidentSerializer.Meta):
        fields = [*IncidentSerializer.Meta.fields, "ticket_counts", "updates", "job"]


class IncidentEditSerializer(Input):
    """What PATCH changes: texts, conditions, switches and times (not the status)."""

    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=Category.Code.choices),
        required=False,
        max_length=len(Category.Code.choices),
        help_text="Affected ticket categories; empty: any.",
    )
    payment_methods = serializers.ListField(
        child=serializers.ChoiceField(choices=PaymentFailedForm.METHODS),
        required=False,
        max_length=len(PaymentFailedForm.METHODS),
        help_text="Affected payment methods (the forms' `payment_method`); empty: any.",
    )
    banks = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        max_length=50,
        help_text="Affected banks as customers write them (case and spaces ignored).",
    )
    merchants = serializers.ListField(
        child=serializers.CharField(max_length=120),
        required=False,
        max_length=50,
        help_text="Affected merchants as customers write them (case and spaces ignored).",
    )
    match_new_tickets = serializers.BooleanField(
        required=False, help_text="Link and tag matching new tickets while it is active."
    )
    show_banner = serializers.BooleanField(
        required=False, help_text="Show the banner on the help centre and matching forms."
    )
    started_at = serializers.DateTimeField(required=False)
    expected_end_at = serializers.DateTimeField(required=False, allow_null=True)

    def get_fields(self):
        return {
            **_incident_texts("title", max_length=200, what="The title"),
            **_incident_texts("message", max_length=5000, what="The message to customers"),
            **super().get_fields(),
        }

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(_("Send at least one field to change."))
        return _check_times(attrs, self.context.get("incident"))


def _check_times(attrs: dict, incident: Incident | None) -> dict:
    start = attrs.get("started_at") or (incident.started_at if incident else timezone.now())
    end = attrs.get("expected_end_at", incident.expected_end_at if incident else None)
    if end is not None and end <= start:
        raise serializers.ValidationError(
            {"expected_end_at": [_("The expected end must be after the start.")]}
        )
    return attrs


class IncidentCreateSerializer(IncidentEditSerializer):
    """A new incident: a title and a message in at least one language."""

    status = serializers.ChoiceField(
        choices=ACTIVE_STATUSES, required=False, help_text="Default: investigating."
    )

    def validate(self, attrs):
        errors = {}
        if not _written(attrs, "title"):
            errors["title_en"] = [_("Give a title in at least one language.")]
        if not _written(attrs, "message"):
            errors["message_en"] = [_("Write the message to customers in at least one language.")]
        if errors:
            raise serializers.ValidationError(errors)
        return _check_times(attrs, None)


class _IncidentMessages(Input):
    def get_fields(self):
        return {
            **_incident_texts("message", max_length=5000, what="The update"),
            **super().get_fields(),
        }

    def validate(self, attrs):
        if not _written(attrs, "message"):
            raise serializers.ValidationError(
                {"message_en": [_("Write the update in at least one language.")]}
            )
        return attrs


class IncidentPostUpdateSerializer(_IncidentMessages):
    status = serializers.ChoiceField(
        choices=ACTIVE_STATUSES, help_text="The incident's status from now (resolve: /resolve/)."
    )
    notify_customers = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Tell every linked customer (one public reply per open ticket, in its "
        "language, by a background job).",
    )


class IncidentResolveSerializer(_IncidentMessages):
    outcome = serializers.ChoiceField(
        choices=IncidentJob.Outcome.choices,
        required=False,
        default=IncidentJob.Outcome.RESOLVE,
        help_text="What happens to its open tickets: resolved, pending_customer, or leave.",
    )
    notify_customers = serializers.BooleanField(
        required=False, default=True, help_text="Tell each linked customer, in their language."
    )


class IncidentTicketsSerializer(Input):
    references = serializers.ListField(
        child=serializers.CharField(max_length=20),
        min_length=1,
        max_length=1000,
        help_text="Ticket references, up to 1000.",
    )


class IncidentTicketsResultSerializer(serializers.Serializer):
    changed = serializers.IntegerField(help_text="Tickets linked (or unlinked) by this call.")
    references = serializers.ListField(child=serializers.CharField(), help_text="Their references.")
    unchanged = serializers.ListField(
        child=serializers.CharField(),
        help_text="Given but left as they were (already so, or closed).",
    )
