"""Administrator forms of the register: matters and list entries, and nobody else gets them."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from onezone.core.models import AuditEvent
from onezone.register.choices import DelegationMode, MatterKind, RegisterList
from onezone.register.models import ListEntry, Matter


def _counts() -> tuple[int, int, int]:
    return Matter.objects.count(), ListEntry.objects.count(), AuditEvent.objects.count()


def _entry_data(register, world, **extra) -> dict:
    data = {
        "list_name": RegisterList.APPROVAL_ENFORCEMENT,
        "zone": world.zone_a.pk,
        "holder_unit": register.service_a.pk,
        "mode": DelegationMode.RETAINED,
        "deciding_unit": "",
        "commissioner": "",
        "valid_from": "2025-03-01",
        "valid_to": "",
    }
    return {**data, **extra}


def test_an_administrator_creates_and_edits_a_matter(client, world, register):
    client.force_login(world.admin)
    assert client.get(reverse("register:matter_create")).status_code == 200
    response = client.post(
        reverse("register:matter_create"),
        {
            "code": "JY001",
            "name": "食品经营许可",
            "kind": MatterKind.APPROVAL,
            "home_body": world.functional.pk,
            "legal_basis": "《食品安全法》",
            "enterprise_related": "on",
        },
    )
    matter = Matter.objects.get(code="JY001")
    assert response.status_code == 302
    assert response.url == reverse("register:matter_detail", args=[matter.pk])
    assert matter.enterprise_related
    assert AuditEvent.objects.filter(action="matter.create").count() == 3  # two in fixtures

    edit = reverse("register:matter_update", args=[matter.pk])
    assert "食品经营许可" in client.get(edit).content.decode()
    response = client.post(
        edit,
        {
            "code": "JY001",
            "name": "食品经营许可（新办）",
            "kind": MatterKind.APPROVAL,
            "home_body": world.functional.pk,
        },
    )
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.name == "食品经营许可（新办）"
    assert not matter.enterprise_related
    assert AuditEvent.objects.filter(action="matter.update").exists()


def test_the_matter_page_shows_administrator_buttons_only_to_administrators(
    client, world, register, entry
):
    line = entry(register.matter, register.park_a, world.zone_a)
    url = reverse("register:matter_detail", args=[register.matter.pk])
    change_url = reverse("register:entry_change", args=[line.pk])
    html = client.get(url).content.decode()
    assert change_url not in html
    assert reverse("register:entry_create", args=[register.matter.pk]) not in html
    client.force_login(world.admin)
    html = client.get(url).content.decode()
    assert change_url in html
    assert reverse("register:entry_end", args=[line.pk]) in html
    assert reverse("register:entry_create", args=[register.matter.pk]) in html
    assert "confirm(" in html


def test_an_administrator_adds_changes_and_ends_an_entry(client, world, register):
    client.force_login(world.admin)
    add = reverse("register:entry_create", args=[register.matter.pk])
    assert client.get(add).status_code == 200
    response = client.post(add, _entry_data(register, world))
    assert response.status_code == 302
    first = ListEntry.objects.get(matter=register.matter)
    assert (first.zone, first.holder_unit, first.version) == (
        world.zone_a,
        register.service_a,
        1,
    )
    assert first.valid_from == date(2025, 3, 1)

    change = reverse("register:entry_change", args=[first.pk])
    assert client.get(change).status_code == 200
    response = client.post(
        change,
        {
            "effective_from": "2025-06-01",
            "change_reason": "划转至园区服务科",
            "holder_unit": register.park_a.pk,
            "mode": DelegationMode.STATIONED_COMMISSIONER,
            "deciding_unit": "",
            "commissioner": register.commissioner_a.pk,
            "valid_to": "",
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second = ListEntry.objects.get(previous=first)
    assert first.valid_to == date(2025, 5, 31)
    assert (second.version, second.holder_unit, second.commissioner) == (
        2,
        register.park_a,
        register.commissioner_a,
    )
    assert second.valid_from == date(2025, 6, 1)
    assert second.change_reason == "划转至园区服务科"

    response = client.post(
        reverse("register:entry_end", args=[second.pk]),
        {"valid_to": "2025-12-31", "change_reason": "事项取消"},
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.valid_to == date(2025, 12, 31)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"entry.create", "entry.close", "entry.change", "entry.end"} <= actions


def test_a_service_error_shows_on_the_field_and_nothing_is_written(client, world, register):
    client.force_login(world.admin)
    before = _counts()
    response = client.post(
        reverse("register:entry_create", args=[register.matter.pk]),
        _entry_data(register, world, mode=DelegationMode.AUTHORISED_TRANSFER),
    )
    assert response.status_code == 200
    assert "deciding_unit" in response.context["form"].errors
    assert (
        gettext("Authorisation and transfer needs the deciding unit of the home bureau.")
        in response.content.decode()
    )
    assert _counts() == before


def test_a_change_before_the_entry_starts_is_refused(client, world, register, entry):
    line = entry(register.matter, register.park_a, world.zone_a)
    client.force_login(world.admin)
    before = _counts()
    response = client.post(
        reverse("register:entry_change", args=[line.pk]),
        {
            "effective_from": "2024-06-01",  # before the entry starts
            "change_reason": "调整",
            "holder_unit": register.park_b.pk,
            "mode": DelegationMode.RETAINED,
        },
    )
    assert response.status_code == 200
    assert "effective_from" in response.context["form"].errors
    assert _counts() == before


def test_ending_without_a_date_says_so_and_writes_nothing(client, world, register, entry):
    line = entry(register.matter, register.park_a, world.zone_a)
    client.force_login(world.admin)
    before = _counts()
    response = client.post(reverse("register:entry_end", args=[line.pk]), {}, follow=True)
    assert gettext("Give the last valid day and the reason.") in response.content.decode()
    assert _counts() == before
    line.refresh_from_db()
    assert line.valid_to is None


def _pages(world, register, line):
    matter, entry_pk = register.matter.pk, line.pk
    return [
        (reverse("register:matter_create"), {"code": "X1", "name": "x", "kind": "approval"}),
        (reverse("register:matter_update", args=[matter]), {"code": "X1", "name": "x"}),
        (reverse("register:entry_create", args=[matter]), _entry_data(register, world)),
        (
            reverse("register:entry_change", args=[entry_pk]),
            {"effective_from": "2025-06-01", "change_reason": "x", "mode": "retained"},
        ),
        (
            reverse("register:entry_end", args=[entry_pk]),
            {"valid_to": "2025-06-01", "change_reason": "x"},
        ),
    ]


@pytest.mark.parametrize("persona", ["leader", "enterprise_user"])
def test_others_get_no_administrator_page_and_change_nothing(
    client, world, register, entry, persona
):
    line = entry(register.matter, register.park_a, world.zone_a)
    client.force_login(getattr(world, persona))
    before = _counts()
    for url, data in _pages(world, register, line):
        assert client.get(url).status_code == 404, url
        assert client.post(url, data).status_code == 404, url
    assert _counts() == before
    line.refresh_from_db()
    assert line.valid_to is None


def test_anonymous_visitors_are_sent_to_log_in_and_change_nothing(client, world, register, entry):
    line = entry(register.matter, register.park_a, world.zone_a)
    before = _counts()
    for url, data in _pages(world, register, line):
        for response in (client.get(url), client.post(url, data)):
            assert response.status_code == 302, url
            assert response.url.startswith(reverse("login")), url
    assert _counts() == before
    line.refresh_from_db()
    assert line.valid_to is None


def test_ending_is_post_only(client, world, register, entry):
    line = entry(register.matter, register.park_a, world.zone_a)
    client.force_login(world.admin)
    assert client.get(reverse("register:entry_end", args=[line.pk])).status_code == 405
