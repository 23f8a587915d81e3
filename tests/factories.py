import factory
from django.utils import timezone

from tickets.models import (
    BusinessCalendar,
    Category,
    Contact,
    EscalationStep,
    Message,
    Queue,
    SLAPolicy,
    SLATarget,
    Ticket,
    User,
)
from tickets.models.tickets import generate_reference


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")
    language = "en"
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    email = factory.Sequence(lambda n: f"contact{n}@example.net")
    name = factory.Faker("name")
    language = "en"


class QueueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Queue
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Queue {n}")
    slug = factory.Sequence(lambda n: f"queue-{n}")


class TicketFactory(factory.django.DjangoModelFactory):
    """A ticket as create_ticket would leave it: new, routed, with the customer's first message."""

    class Meta:
        model = Ticket
        skip_postgeneration_save = True

    reference = factory.LazyFunction(generate_reference)
    subject = "Payment failed but my balance was debited"
    category = factory.LazyFunction(lambda: Category.objects.get(code="payment_failed"))
    queue = factory.LazyAttribute(lambda t: t.category.queue)
    priority = factory.LazyAttribute(lambda t: t.category.default_priority)
    requester = factory.SubFactory(ContactFactory)
    language = "en"
    created_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def first_message(obj, create, extracted, **kwargs):
        if create:
            Message.objects.create(
                ticket=obj,
                kind=Message.Kind.PUBLIC,
                author_type=Message.Author.CUSTOMER,
                author_contact=obj.requester,
                author_user=obj.requester.user,
                body=extracted or "I paid with QRIS and the merchant did not receive it.",
                source=Message.Source.WEB,
            )


# FAQ knowledge base


class FaqCategoryFactory(factory.django.DjangoModelFactory):
    """A FAQ topic named in every language; `names={"en": "Refunds"}` to choose the names."""

    class Meta:
        model = "faq.Category"
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"topic-{n}")
    ticket_category = "payment_failed"
    position = factory.Sequence(lambda n: n)

    @factory.post_generation
    def names(obj, create, extracted, **kwargs):
        if not create:
            return
        from faq.models import CategoryTranslation

        names = extracted or {
            "id": f"Topik {obj.slug}",
            "en": f"Topic {obj.slug}",
            "zh-hans": f"主题 {obj.slug}",
        }
        for language, name in names.items():
            CategoryTranslation.objects.create(category=obj, language=language, name=name)


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article with a translation per language.

    `texts={"en": ("Title", "Markdown body", "search text")}` chooses the languages and texts
    (the search text is optional).
    """

    class Meta:
        model = "faq.Article"
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"article-{n}")
    category = factory.SubFactory(FaqCategoryFactory)
    status = "published"
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def texts(obj, create, extracted, **kwargs):
        if not create:
            return
        from faq.models import ArticleTranslation

        texts = extracted or {
            "id": (f"Artikel {obj.slug}", "Isi artikel."),
            "en": (f"Article {obj.slug}", "The article's text."),
            "zh-hans": (f"文章 {obj.slug}", "文章内容。"),
        }
        for language, (title, body, *search_text) in texts.items():
            ArticleTranslation.objects.create(
                article=obj,
                language=language,
                title=title,
                body=body,
                search_text=search_text[0] if search_text else "",
            )


def make_sla_policy(
    *,
    name: str = "Test policy",
    calendar: BusinessCalendar | None = None,
    targets: dict[str, int] | None = None,
    business_hours: bool = True,
    warn_at_percent: int | None = None,
    warn_minutes_before: int | None = None,
    ladder: list[dict] | None = None,
    position: int = 10,
    categories: list[str] = (),
    queues: list[Queue] = (),
    priorities: list[int] = (),
    channels: list[str] = (),
) -> SLAPolicy:
    """A policy tried before the default, with targets in minutes by metric and a ladder of
    EscalationStep fields. Without a calendar it uses a fresh 24/7 one."""
    if calendar is None:
        calendar = BusinessCalendar.objects.create(name=f"{name} 24/7", is_24_7=True)
    policy = SLAPolicy.objects.create(
        name=name,
        calendar=calendar,
        position=position,
        priorities=list(priorities),
        channels=list(channels),
    )
    policy.categories.set(categories)
    policy.queues.set(queues)
    for metric, minutes in (targets or {"first_response": 60, "resolution": 480}).items():
        SLATarget.objects.create(
            policy=policy,
            metric=metric,
            minutes=minutes,
            business_hours=business_hours,
            warn_at_percent=warn_at_percent,
            warn_minutes_before=warn_minutes_before,
        )
    for step in ladder or []:
        EscalationStep.objects.create(policy=policy, **step)
    return policy
