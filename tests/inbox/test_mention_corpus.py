"""Which `@names` in an internal note mention whom (tickets/mentions.py): a corpus of notes as
agents write them, in English, Bahasa Indonesia and Chinese."""

import pytest
from django.contrib.auth.models import Group

from tests.factories import TicketFactory, UserFactory
from tickets import roles
from tickets.mentions import handles_in, mentioned_in
from tickets.models import QueueMembership

# (note, the handles it holds, case-folded, in order)
HANDLES = [
    ("@mei can you check the refund?", ["mei"]),
    ("Can you check, @mei?", ["mei"]),
    ("@mei, @budi: please look", ["mei", "budi"]),
    ("thanks @Budi.", ["budi"]),
    ("(cc @mei)", ["mei"]),
    ("@mei!", ["mei"]),
    ("@mei's ticket", ["mei"]),
    ("first line\n@mei second line", ["mei"]),
    ("ends with a mention\n@budi", ["budi"]),
    ("@mei\n@budi", ["mei", "budi"]),
    ("\t@mei\tlook", ["mei"]),
    ("@siti.rahma tolong cek ya", ["siti.rahma"]),
    ("@siti.rahma.", ["siti.rahma"]),
    ("@ann-marie and @li_na", ["ann-marie", "li_na"]),
    ("Mohon dicek @Budi, nasabah menunggu refund.", ["budi"]),
    ("Sudah saya eskalasi ke @RINA", ["rina"]),
    ("请 @李娜 看一下这个退款", ["李娜"]),
    ("@李娜，请看一下", ["李娜"]),
    ("@李娜。", ["李娜"]),
    ("@李娜请看一下", ["李娜请看一下"]),  # no space, no punctuation: one (unknown) handle
    ("@Müller prüft das", ["müller"]),
    ("@mei @MEI @Mei", ["mei"]),  # one person named thrice
    ("budi@example.com paid twice", []),  # an email address is no mention
    ("write to mei@wallet.example or @budi", ["budi"]),
    ("see https://chat.example/@mei", []),  # a path in a URL
    ("@", []),
    ("@ mei", []),
    ("@@mei", []),
    ("a.@mei", []),
    ("no mention here", []),
    ("", []),
]


@pytest.mark.parametrize(("note", "handles"), HANDLES)
def test_it_finds_the_handles_of_a_note(note, handles):
    assert handles_in(note) == handles


def test_it_reads_at_most_twenty_handles():
    assert len(handles_in(" ".join(f"@agent{n}" for n in range(50)))) == 20


@pytest.fixture
def desk(db, payments, refunds):
    """Agents of payments (who see its tickets) and people who must never be mentioned."""

    def staff(email, name, role=roles.AGENT, queue=payments, **fields):
        user = UserFactory(email=email, name=name, **fields)
        user.groups.add(Group.objects.get(name=role))
        if queue is not None:
            QueueMembership.objects.create(queue=queue, user=user)
        return user

    people = {
        "budi": staff("budi@wallet.example", "Budi Santoso"),
        "mei": staff("mei.chen@wallet.example", "Mei Chen"),
        "lina": staff("lina@wallet.example", "李娜"),
        "siti": staff("siti.rahma@wallet.example", "Siti Rahmawati"),
        "lead": staff("rina@wallet.example", "Rina Lead", role=roles.LEAD),
        "admin": staff("ayu@wallet.example", "Ayu Admin", role=roles.ADMIN, queue=None),
        # Sees refunds only: a payments note cannot mention her.
        "outsider": staff("dewi@wallet.example", "Dewi Refunds", queue=refunds),
        # Left the company.
        "gone": staff("joko@wallet.example", "Joko Former", is_active=False),
        # A customer whose name matches: never staff.
        "customer": UserFactory(email="tono@example.com", name="Tono Customer"),
        # Two share the short name Agus (one is agus@); two share Hendra (neither is hendra@).
        "agus": staff("agus@wallet.example", "Agus Wibowo"),
        "agus2": staff("agus.p@wallet.example", "Agus Pratama"),
        "hendra": staff("hendra.kurniawan@wallet.example", "Hendra Kurniawan"),
        "hendra2": staff("h.k@wallet.example", "Hendra K"),
    }
    people["ticket"] = TicketFactory(queue=payments)
    return people


# (note, author, who is mentioned)
MENTIONS = [
    ("@mei can you check the refund?", "budi", ["mei"]),
    ("@mei.chen please", "budi", ["mei"]),  # by the email's local part
    ("@Mei, the customer called again.", "budi", ["mei"]),  # by the short name
    ("Mohon dicek @budi ya", "mei", ["budi"]),
    ("请 @李娜 看一下", "budi", ["lina"]),
    ("@李娜，请看一下", "budi", ["lina"]),
    ("@lina please", "budi", ["lina"]),
    ("@siti.rahma tolong cek", "budi", ["siti"]),
    ("@Siti, tolong cek", "budi", ["siti"]),
    ("@mei @budi @MEI", "siti", ["budi", "mei"]),  # once each
    ("@mei\n\n@mei", "budi", ["mei"]),
    ("@budi I will do it myself", "budi", []),  # never the author
    ("@rina for approval", "budi", ["lead"]),
    ("@ayu can you unlock it?", "budi", ["admin"]),  # admins see every ticket
    ("@dewi please check", "budi", []),  # no access to payments: nothing, silently
    ("@joko", "budi", []),  # deactivated
    ("@tono", "budi", []),  # a customer
    ("@nobody", "budi", []),  # unknown
    ("budi@wallet.example asked for it", "mei", []),  # an address, not a mention
    ("mail mei.chen@wallet.example", "budi", []),
    ("@agus please", "budi", ["agus"]),  # the address wins over the other Agus's short name
    ("@Hendra please", "budi", ["hendra", "hendra2"]),  # both are Hendra, both see it
    ("@李娜请看一下", "budi", []),  # the handle runs on: no mention
    ("", "budi", []),
]


@pytest.mark.parametrize(("note", "author", "expected"), MENTIONS)
def test_it_mentions_active_staff_who_see_the_ticket(desk, note, author, expected):
    mentioned = mentioned_in(note, ticket=desk["ticket"], author=desk[author])

    assert sorted(user.pk for user in mentioned) == sorted(desk[name].pk for name in expected)
