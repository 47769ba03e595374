"""Register services: validation, versioned changes, ending, audit rows, denied writes."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from onezone.core.models import AuditEvent
from onezone.register import services
from onezone.register.choices import DelegationMode, MatterKind
from onezone.register.models import ListEntry, Matter
from onezone.register.routing import route


def test_it_changes_an_entry_by_closing_it_and_adding_a_version(world, covered):
    old = ListEntry.objects.get(matter=covered.matter, zone=world.zone_a)
    new = services.entry_change(
        actor=world.admin,
        entry=old,
        effective_from=date(2025, 7, 1),
        change_reason="改为授权+转办",
        holder_unit=covered.service_a,
        mode=DelegationMode.AUTHORISED_TRANSFER,
        deciding_unit=covered.hq,
        commissioner=None,
    )
    old.refresh_from_db()
    assert old.valid_to == date(2025, 6, 30)
    assert old.holder_unit == covered.park_a
    assert (new.version, new.previous, new.valid_from) == (2, old, date(2025, 7, 1))
    assert route(covered.matter, world.zone_a, date(2025, 6, 30)).entry == old
    assert route(covered.matter, world.zone_a, date(2025, 7, 1)).entry == new
    actions = list(AuditEvent.objects.order_by("-seq").values_list("action", flat=True)[:2])
    assert actions == ["entry.change", "entry.close"]


def test_it_refuses_to_change_an_old_version(world, covered):
    old = ListEntry.objects.get(matter=covered.matter, zone=world.zone_a)
    services.entry_change(
        actor=world.admin, entry=old, effective_from=date(2025, 7, 1), change_reason="调整"
    )
    with pytest.raises(ValidationError) as raised:
        services.entry_change(
            actor=world.admin, entry=old, effective_from=date(2025, 8, 1), change_reason="再调整"
        )
    assert raised.value.error_dict["__all__"][0].code == "not_latest"
    assert ListEntry.objects.filter(matter=covered.matter, zone=world.zone_a).count() == 2


def test_it_requires_a_change_reason(world, covered):
    old = ListEntry.objects.get(matter=covered.matter, zone=world.zone_a)
    with pytest.raises(ValidationError):
        services.entry_change(
            actor=world.admin, entry=old, effective_from=date(2025, 7, 1), change_reason=" "
        )
    old.refresh_from_db()
    assert old.valid_to is None


def test_it_ends_an_entry(world, covered):
    old = ListEntry.objects.get(matter=covered.matter, zone=world.zone_a)
    services.entry_end(
        actor=world.admin, entry=old, valid_to=date(2025, 9, 30), change_reason="撤销"
    )
    old.refresh_from_db()
    assert old.valid_to == date(2025, 9, 30)
    assert AuditEvent.objects.order_by("-seq").first().action == "entry.end"


def test_it_refuses_an_overlapping_entry(world, covered, entry):
    with pytest.raises(ValidationError) as raised:
        entry(covered.matter, covered.hq, world.zone_a, valid_from=date(2025, 5, 1))
    assert raised.value.error_dict["valid_from"][0].code == "overlap"
    assert ListEntry.objects.filter(matter=covered.matter, zone=world.zone_a).count() == 1


def test_it_checks_the_mode_needs(world, register, entry):
    with pytest.raises(ValidationError) as raised:
        entry(register.matter, register.service_a, mode=DelegationMode.AUTHORISED_TRANSFER)
    assert "deciding_unit" in raised.value.error_dict
    with pytest.raises(ValidationError) as raised:
        entry(register.matter, register.park_a, mode=DelegationMode.STATIONED_COMMISSIONER)
    assert "commissioner" in raised.value.error_dict
    with pytest.raises(ValidationError) as raised:
        entry(register.matter, register.park_a, commissioner=register.commissioner_a)
    assert "commissioner" in raised.value.error_dict
    assert not ListEntry.objects.exists()


@pytest.mark.parametrize("persona", ["officer_a", "bureau_officer", "leader", "enterprise_user"])
def test_it_denies_writes_to_non_administrators(world, covered, persona):
    actor = getattr(world, persona)
    events = AuditEvent.objects.count()
    entries = list(ListEntry.objects.values_list("pk", "valid_to"))
    old = ListEntry.objects.get(matter=covered.matter, zone=world.zone_a)
    with pytest.raises(PermissionDenied):
        services.matter_create(
            actor=actor, code="X1", name="x", kind=MatterKind.DUTY, home_body=world.functional
        )
    with pytest.raises(PermissionDenied):
        services.matter_update(actor=actor, matter=covered.matter, name="改名")
    with pytest.raises(PermissionDenied):
        services.entry_create(
            actor=actor,
            matter=covered.matter,
            list_name="duty",
            holder_unit=covered.hq,
            mode=DelegationMode.RETAINED,
            valid_from=date(2025, 1, 1),
        )
    with pytest.raises(PermissionDenied):
        services.entry_change(
            actor=actor, entry=old, effective_from=date(2025, 7, 1), change_reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.entry_end(actor=actor, entry=old, valid_to=date(2025, 7, 1), change_reason="x")
    assert AuditEvent.objects.count() == events
    assert list(ListEntry.objects.values_list("pk", "valid_to")) == entries
    assert Matter.objects.get(pk=covered.matter.pk).name == "建设工程规划许可证核发"
    assert not Matter.objects.filter(code="X1").exists()


def test_it_audits_matter_writes(world, register):
    services.matter_update(actor=world.admin, matter=register.matter, legal_basis="《建筑法》")
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "matter.update"
    assert event.before["legal_basis"] == "《城乡规划法》"
    assert event.after["legal_basis"] == "《建筑法》"
