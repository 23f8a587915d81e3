"""Every admin list and form an admin uses opens, with its filters and search."""

from io import StringIO

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from tickets import roles
from tickets.defaults import ensure_default_queues
from tickets.models import Attachment, Category, Queue, Tag, Ticket

MODELS = [model for model in admin.site._registry if model._meta.app_label == "tickets"]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo data, loaded once for the module (seed_demo takes seconds; ~60 tests read it)
    in a transaction rolled back at the end; each test's own transaction nests inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        if not Category.objects.exists():
            ensure_default_queues(Queue, Category)
            roles.sync_role_groups()
        call_command("seed_demo", stdout=StringIO())
        ticket = Ticket.objects.first()
        ticket.tags.add(Tag.objects.create(name="bri-va-delay"))
        Attachment.objects.create(
            ticket=ticket,
            file=ContentFile(b"%PDF-1.4 receipt", name="receipt.pdf"),
            original_name="receipt.pdf",
            content_type="application/pdf",
            size=16,
            sha256="0" * 64,
        )
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_it_lists_and_searches_each_model(client, admin_user, seeded, model):
    client.force_login(admin_user)
    url = reverse(f"admin:tickets_{model._meta.model_name}_changelist")

    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "refund"}).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_it_opens_the_first_row_of_each_model(client, admin_user, seeded, model):
    client.force_login(admin_user)
    obj = model._default_manager.first()
    url = reverse(f"admin:tickets_{model._meta.model_name}_change", args=[obj.pk])

    assert client.get(url).status_code == 200


def test_it_keeps_agents_out_of_the_admin(client, agent):
    client.force_login(agent)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
