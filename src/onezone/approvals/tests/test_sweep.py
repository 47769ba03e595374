"""The overdue sweep: flags open cases past due once, tells the people in post in the holder
unit (SMS through the outbox, inbox notification) at most once a day; paused and decided cases
are left alone."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from onezone.approvals import services
from onezone.approvals.choices import ItemAction
from onezone.approvals.tests.test_transitions import act, apply_for, stage_case
from onezone.conftest import make_user
from onezone.core.clock import simulated_time
from onezone.core.models import AuditEvent, Notification, OutboxMessage
from onezone.org import services as org

SH = ZoneInfo("Asia/Shanghai")
A = ItemAction


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def sweep(moment: str) -> int:
    with simulated_time(at(moment)):
        return services.item_cases_mark_overdue()


@pytest.fixture
def staff(world, approvals, post_factory, unit_factory):
    """In post in the holder unit: a clerk with a phone and an account, the section leader with
    a phone only, one without a phone; elsewhere or no longer in post: two more with phones."""
    clerk_user = make_user("clerk")

    def person(name, number, phone="", user=None):
        return org.person_create(
            actor=world.admin, name=name, staff_number=number, phone=phone, user=user
        )

    clerk = person("张科员", "S00001", "13911110001", clerk_user)
    chief = person("李科长", "S00002", "13911110002")
    silent = person("王无号", "S00003")
    elsewhere = person("赵外单位", "S00004", "13911110004", make_user("elsewhere"))
    former = person("钱离任", "S00005", "13911110005", make_user("former"))
    post_factory(approvals.unit, person=clerk)
    post_factory(approvals.unit, person=chief, title="科长", is_leader=True)
    post_factory(approvals.unit, person=silent)
    post_factory(unit_factory(world.committee_a, name="其他科室"), person=elsewhere)
    post_factory(approvals.unit, person=former, start_on=date(2024, 1, 1), end_on=date(2025, 6, 30))
    return clerk_user


def sms_to() -> list[str]:
    return sorted(OutboxMessage.objects.filter(channel="sms").values_list("recipient", flat=True))


def test_case_past_due_is_flagged_once_and_the_unit_told_once_a_day(world, approvals, staff):
    with simulated_time(at("2025-09-30 10:00")):
        application = apply_for(world)
    case = stage_case(application)
    assert case.due_at == at("2025-10-14 17:30")
    assert sweep("2025-10-14 17:29") == 0
    assert not OutboxMessage.objects.exists()
    assert sweep("2025-10-14 17:31") == 1
    case.refresh_from_db()
    assert case.is_overdue is True
    assert case.overdue_notified_at == at("2025-10-14 17:31")
    assert sms_to() == ["13911110001", "13911110002"]
    message = OutboxMessage.objects.filter(channel="sms").first()
    assert application.reference in message.body
    assert "2025-10-14 17:30" in message.body
    notices = Notification.objects.filter(title=message.body)
    assert list(notices.values_list("recipient", flat=True)) == [staff.pk]
    assert AuditEvent.objects.filter(action="item_case.overdue").count() == 1

    # Later the same day and the next morning, within 24 hours: nothing new.
    assert sweep("2025-10-14 20:00") == 0
    assert sweep("2025-10-15 17:00") == 0
    assert len(sms_to()) == 2
    assert notices.count() == 1
    assert AuditEvent.objects.filter(action="item_case.overdue").count() == 1

    # A day later the reminder repeats, but the case is not newly flagged.
    assert sweep("2025-10-15 17:32") == 0
    assert sms_to() == ["13911110001", "13911110001", "13911110002", "13911110002"]
    assert Notification.objects.filter(recipient=staff, title=message.body).count() == 2


def test_paused_and_decided_cases_are_not_flagged(world, approvals, staff):
    with simulated_time(at("2025-09-30 10:00")):
        paused = act(world, stage_case(apply_for(world)), A.REQUEST_CORRECTION)
        not_accepted = act(world, stage_case(apply_for(world)), A.NOT_ACCEPT)
        special = stage_case(apply_for(world))
        special = act(world, special, A.ACCEPT)
        special = act(world, special, A.START_PROCESSING)
        special = act(world, special, A.START_SPECIAL)
    assert sweep("2025-12-01 10:00") == 0
    for case in (paused, not_accepted, special):
        case.refresh_from_db()
        assert case.is_overdue is False
        assert case.overdue_notified_at is None
    assert not OutboxMessage.objects.exists()
    assert not Notification.objects.filter(recipient=staff).exists()


def test_resumed_case_is_judged_on_its_moved_due_time(world, approvals, staff):
    with simulated_time(at("2025-09-30 10:00")):
        case = act(world, stage_case(apply_for(world)), A.ACCEPT)  # due 13:30 + 1.5 h = 15:00
        case = act(world, case, A.REQUEST_CORRECTION)
    with simulated_time(at("2025-10-09 09:00")):
        case = act(world, case, A.SUPPLY_CORRECTION)
    case.refresh_from_db()
    # Paused 10:00–12:00 + 13:30–17:30 (6 h): due 9 October 09:00 + 3.5 h = 14:00.
    assert case.due_at == at("2025-10-09 14:00")
    assert sweep("2025-10-09 13:59") == 0
    assert sweep("2025-10-09 14:01") == 1


def test_sweep_flags_each_overdue_case(world, approvals, staff):
    with simulated_time(at("2025-09-30 10:00")):
        first = stage_case(apply_for(world))
        second = stage_case(apply_for(world))
    assert sweep("2025-10-15 09:00") == 2
    assert len(sms_to()) == 4
    for case in (first, second):
        case.refresh_from_db()
        assert case.is_overdue
