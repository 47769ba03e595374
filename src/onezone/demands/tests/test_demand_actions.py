"""The transition table of demands: every allowed row, every refused action (409, nothing
changed), permissions, stage clocks and on-time flags, routing, returns, extensions, review,
callback, reopen, flags, timeline and audit rows."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from onezone.core.clock import simulated_time
from onezone.core.errors import ConflictError
from onezone.core.models import AuditEvent, Clock, Notification
from onezone.core.workcal import SHANGHAI
from onezone.demands.choices import (
    REASON_REQUIRED,
    TRANSITIONS,
    DemandAction,
    DemandState,
    Priority,
)
from onezone.demands.models import Demand, DemandCallback, DemandEvent
from onezone.demands.services.actions import SNAPSHOT_FIELDS
from onezone.demands.services.demands import demand_act

pytestmark = pytest.mark.django_db

A, S = DemandAction, DemandState
# Tuesday 10 March 2026, 09:30 in Shanghai.
MORNING = datetime(2026, 3, 10, 9, 30, tzinfo=SHANGHAI)
CALLBACK = {
    "valid": True,
    "contacted": True,
    "resolved": True,
    "satisfaction": "satisfied",
    "unit_at_fault": False,
    "note": "满意",
}
DATA = {
    A.DISPATCH: {},
    A.ANSWER_DIRECTLY: {"content": "已电话答复政策口径"},
    A.SIGN: {},
    A.REQUEST_RETURN: {"reason": "不属于本单位职责"},
    A.APPROVE_RETURN: {},
    A.REJECT_RETURN: {"reason": "属于本单位职责"},
    A.CONTACT: {"note": "已联系企业负责人"},
    A.REQUEST_EXTENSION: {"working_days": 3, "reason": "需现场勘查"},
    A.APPROVE_EXTENSION: {},
    A.REJECT_EXTENSION: {"reason": "时限足够"},
    A.REPLY: {"content": "已协调恢复供水"},
    A.REVIEW: {"decision": "accept"},
    A.CALLBACK: {**CALLBACK, "unit_at_fault": True},
    A.CLOSE: {},
    A.REOPEN: {"reason": "回访发现未解决"},
    A.SUPERVISE: {"reason": "群众反映强烈"},
    A.URGE: {"reason": "请加快办理"},
}
# How to reach each state from `accepted` (the admin may take every action).
ROUTE = {
    S.ACCEPTED: [],
    S.DISPATCHED: [A.DISPATCH],
    S.RETURN_REQUESTED: [A.DISPATCH, A.REQUEST_RETURN],
    S.IN_PROGRESS: [A.DISPATCH, A.SIGN],
    S.EXTENSION_REQUESTED: [A.DISPATCH, A.SIGN, A.REQUEST_EXTENSION],
    S.REPLIED: [A.DISPATCH, A.SIGN, A.REPLY],
    S.REVIEWED: [A.DISPATCH, A.SIGN, A.REPLY, A.REVIEW],
    S.CALLBACK_DONE: [A.DISPATCH, A.SIGN, A.REPLY, A.REVIEW, A.CALLBACK],
    S.CLOSED: [A.DISPATCH, A.SIGN, A.REPLY, A.REVIEW, A.CALLBACK, A.CLOSE],
}


def act(actor, demand, action, **data):
    return demand_act(actor=actor, demand=demand, action=action, data=data or DATA[action])


def reach(demands_world, demand_factory, state, **create):
    demand = demand_factory(**create)
    for action in ROUTE[state]:
        demand = act(demands_world.world.admin, demand, action)
    assert demand.state == state
    return demand


def frozen(demand):
    """Everything an action could change, to assert a refusal changed nothing."""
    demand = Demand.objects.get(pk=demand.pk)
    return (
        {name: getattr(demand, name) for name in SNAPSHOT_FIELDS},
        DemandEvent.objects.filter(demand=demand).count(),
        DemandCallback.objects.filter(demand=demand).count(),
        Clock.objects.filter(object_type="demands.demand", object_id=str(demand.pk)).count(),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


@pytest.mark.parametrize("state", list(ROUTE))
def test_every_allowed_row_of_the_table(demands_world, demand_factory, state):
    admin = demands_world.world.admin
    for action, target in TRANSITIONS[state].items():
        demand = reach(demands_world, demand_factory, state)
        events = demand.events.count()
        demand = act(admin, demand, action)
        assert demand.state == target, (state, action)
        assert demand.events.count() == events + 1
        event = demand.events.order_by("-id").first()
        assert (event.action, event.from_state, event.to_state) == (action, state, target)
        assert AuditEvent.objects.filter(
            action=f"demand.{action}", object_id=str(demand.pk)
        ).exists()


@pytest.mark.parametrize("state", list(ROUTE))
def test_every_refused_action_is_a_conflict_and_changes_nothing(
    demands_world, demand_factory, state
):
    admin = demands_world.world.admin
    demand = reach(demands_world, demand_factory, state)
    refused = [action for action in DemandAction.values if action not in TRANSITIONS[state]]
    assert refused
    for action in refused:
        before = frozen(demand)
        with pytest.raises(ConflictError):
            act(admin, demand, action)
        assert frozen(demand) == before, action


def test_ordinary_path_with_clocks_flags_and_messages(demands_world, demand_factory):
    dw = demands_world
    with simulated_time(MORNING):
        demand = demand_factory()
    with simulated_time(MORNING + timedelta(minutes=30)):
        demand = act(dw.hotline, demand, A.DISPATCH)
    assert demand.lead_unit == dw.water_unit
    assert demand.state == S.DISPATCHED
    # Signing within 2 natural hours of the dispatch.
    assert demand.due_at == MORNING + timedelta(hours=2, minutes=30)
    assert Notification.objects.filter(recipient=dw.water_officer).count() == 1
    with simulated_time(MORNING + timedelta(hours=1)):
        demand = act(dw.water_officer, demand, A.SIGN)
    assert demand.sign_on_time is True
    assert demand.signed_at == MORNING + timedelta(hours=1)
    # Ordinary: 7 working days from Tuesday 10 March → close of Thursday 19 March.
    assert demand.due_at == datetime(2026, 3, 19, 17, 30, tzinfo=SHANGHAI)
    with simulated_time(MORNING + timedelta(hours=2)):
        demand = act(dw.water_officer, demand, A.CONTACT)
        assert demand.first_contact_at == MORNING + timedelta(hours=2)
        demand = act(dw.water_officer, demand, A.REPLY)
    assert demand.reply_on_time is True
    assert demand.due_at is None
    assert demand.reply_content == DATA[A.REPLY]["content"]
    enterprise_user = dw.world.enterprise_user
    told = Notification.objects.filter(recipient=enterprise_user, link__startswith="/demands/")
    assert told.count() == 1
    demand = act(dw.hotline, demand, A.REVIEW)
    demand = act(dw.hotline, demand, A.CALLBACK, **CALLBACK)
    callback = demand.callbacks.get()
    assert (callback.valid, callback.resolved, callback.satisfaction) == (
        True,
        True,
        "satisfied",
    )
    demand = act(dw.hotline, demand, A.CLOSE)
    assert demand.state == S.CLOSED
    assert demand.closed_at is not None
    assert told.count() == 2
    assert not Clock.objects.filter(
        object_type="demands.demand", object_id=str(demand.pk), stopped_at__isnull=True
    ).exists()
    assert list(demand.events.values_list("action", flat=True)) == [
        "accept",
        A.DISPATCH,
        A.SIGN,
        A.CONTACT,
        A.REPLY,
        A.REVIEW,
        A.CALLBACK,
        A.CLOSE,
    ]
    assert AuditEvent.objects.filter(action="demand.callback").count() == 1


def test_late_sign_and_late_reply_are_flagged(demands_world, demand_factory):
    dw = demands_world
    with simulated_time(MORNING):
        demand = demand_factory(priority=Priority.UTILITIES)
        demand = act(dw.hotline, demand, A.DISPATCH)
    with simulated_time(MORNING + timedelta(hours=3)):
        demand = act(dw.water_officer, demand, A.SIGN)
    assert demand.sign_on_time is False
    # Utilities: reply within 24 natural hours of signing.
    assert demand.due_at == MORNING + timedelta(hours=27)
    with simulated_time(MORNING + timedelta(hours=28)):
        demand = act(dw.water_officer, demand, A.REPLY)
    assert demand.reply_on_time is False


def test_dispatch_with_named_lead_and_co_units(demands_world, demand_factory):
    dw = demands_world
    demand = demand_factory()
    demand = demand_act(
        actor=dw.hotline,
        demand=demand,
        action=A.DISPATCH,
        data={
            "lead_unit": dw.planning_unit.pk,
            "co_units": [dw.water_unit.pk, dw.planning_unit.pk],
        },
    )
    assert demand.lead_unit == dw.planning_unit
    assert list(demand.co_units.all()) == [dw.water_unit]
    assert Notification.objects.filter(recipient=dw.planner).count() == 1
    assert Notification.objects.filter(recipient=dw.water_officer).count() == 1
    # A co-unit sees the demand but signs nothing: the lead unit answers for it.
    before = frozen(demand)
    with pytest.raises(PermissionDenied):
        act(dw.water_officer, demand, A.SIGN)
    assert frozen(demand) == before
    demand = act(dw.planner, demand, A.SIGN)
    assert demand.state == S.IN_PROGRESS


def test_dispatch_with_unknown_unit_is_refused(demands_world, demand_factory):
    demand = demand_factory()
    before = frozen(demand)
    with pytest.raises(ValidationError) as caught:
        act(demands_world.hotline, demand, A.DISPATCH, lead_unit=999999)
    assert "lead_unit" in caught.value.error_dict
    assert frozen(demand) == before


def test_unclear_responsibility_and_unrouted_categories_fall_back(
    demands_world, demand_factory, settings
):
    dw = demands_world
    unclear = act(dw.hotline, demand_factory(), A.DISPATCH, unclear=True)
    assert unclear.lead_unit == dw.service_unit_a
    unrouted = act(dw.hotline, demand_factory(category="children_schooling"), A.DISPATCH)
    assert unrouted.lead_unit == dw.service_unit_a
    settings.ONEZONE_DEMAND_FALLBACK_UNIT = "区企业服务热线中心/12345热线坐席"
    configured = act(dw.hotline, demand_factory(), A.DISPATCH, unclear=True)
    assert configured.lead_unit == dw.hotline_unit


def test_return_approved_goes_back_to_acceptance(demands_world, demand_factory):
    dw = demands_world
    with simulated_time(MORNING):
        demand = act(dw.hotline, demand_factory(), A.DISPATCH)
        demand = act(dw.water_officer, demand, A.REQUEST_RETURN)
    with simulated_time(MORNING + timedelta(hours=1)):
        demand = act(dw.hotline, demand, A.APPROVE_RETURN)
    assert demand.state == S.ACCEPTED
    assert demand.lead_unit is None
    assert demand.return_approved is True
    assert demand.clock.purpose == "dispatch"
    assert demand.due_at == MORNING + timedelta(hours=25)
    demand = act(dw.hotline, demand, A.DISPATCH, lead_unit=dw.planning_unit.pk)
    assert demand.lead_unit == dw.planning_unit
    assert demand.return_approved is True


def test_return_rejected_stays_with_the_unit(demands_world, demand_factory):
    dw = demands_world
    demand = act(dw.hotline, demand_factory(), A.DISPATCH)
    demand = act(dw.water_officer, demand, A.REQUEST_RETURN)
    demand = act(dw.hotline, demand, A.REJECT_RETURN)
    assert demand.state == S.DISPATCHED
    assert demand.lead_unit == dw.water_unit
    assert demand.return_approved is False


@pytest.mark.parametrize("action", sorted(REASON_REQUIRED))
def test_reasons_are_required(demands_world, demand_factory, action):
    dw = demands_world
    state = next(s for s, actions in TRANSITIONS.items() if action in actions)
    demand = reach(dw, demand_factory, state)
    before = frozen(demand)
    data = {k: v for k, v in DATA[action].items() if k != "reason"}
    with pytest.raises(ValidationError) as caught:
        demand_act(actor=dw.world.admin, demand=demand, action=action, data=data)
    assert "reason" in caught.value.error_dict
    assert frozen(demand) == before


def test_extension_in_working_days(demands_world, demand_factory):
    dw = demands_world
    with simulated_time(MORNING):
        demand = act(dw.hotline, demand_factory(), A.DISPATCH)
        demand = act(dw.water_officer, demand, A.SIGN)
        demand = act(dw.water_officer, demand, A.REQUEST_EXTENSION)
        assert demand.extension_requested_days == 3
        demand = act(dw.hotline, demand, A.APPROVE_EXTENSION)
    assert demand.state == S.IN_PROGRESS
    assert demand.extension_approved is True
    # 19 March + 3 working days → Tuesday 24 March at the close of office.
    assert demand.due_at == datetime(2026, 3, 24, 17, 30, tzinfo=SHANGHAI)
    # Replying after the original deadline but within the extension is on time.
    with simulated_time(datetime(2026, 3, 23, 10, 0, tzinfo=SHANGHAI)):
        before = frozen(demand)
        with pytest.raises(ConflictError):
            act(dw.water_officer, demand, A.REQUEST_EXTENSION)
        assert frozen(demand) == before
        demand = act(dw.water_officer, demand, A.REPLY)
    assert demand.reply_on_time is True


def test_extension_refused_for_a_reply_limit_in_hours(demands_world, demand_factory):
    dw = demands_world
    demand = act(dw.hotline, demand_factory(priority=Priority.EMERGENCY), A.DISPATCH)
    demand = act(dw.water_officer, demand, A.SIGN)
    before = frozen(demand)
    with pytest.raises(ConflictError):
        act(dw.water_officer, demand, A.REQUEST_EXTENSION)
    assert frozen(demand) == before


def test_extension_rejected_and_bad_days(demands_world, demand_factory):
    dw = demands_world
    demand = act(dw.hotline, demand_factory(), A.DISPATCH)
    demand = act(dw.water_officer, demand, A.SIGN)
    before = frozen(demand)
    with pytest.raises(ValidationError):
        act(dw.water_officer, demand, A.REQUEST_EXTENSION, working_days=0, reason="x")
    assert frozen(demand) == before
    due = demand.due_at
    demand = act(dw.water_officer, demand, A.REQUEST_EXTENSION)
    demand = act(dw.hotline, demand, A.REJECT_EXTENSION)
    assert demand.state == S.IN_PROGRESS
    assert demand.extension_requested_days is None
    assert demand.due_at == due
    assert demand.extension_approved is False


def test_review_sends_back_with_a_fresh_reply_clock(demands_world, demand_factory):
    dw = demands_world
    with simulated_time(MORNING):
        demand = act(dw.hotline, demand_factory(), A.DISPATCH)
        demand = act(dw.water_officer, demand, A.SIGN)
        demand = act(dw.water_officer, demand, A.REPLY)
    with simulated_time(datetime(2026, 3, 11, 9, 0, tzinfo=SHANGHAI)):
        demand = act(dw.hotline, demand, A.REVIEW, decision="send_back", reason="答复不完整")
    assert demand.state == S.IN_PROGRESS
    assert demand.clock.purpose == "reply"
    assert demand.due_at == datetime(2026, 3, 20, 17, 30, tzinfo=SHANGHAI)
    before = frozen(demand)
    with pytest.raises(ValidationError):
        act(dw.water_officer, demand, A.REPLY, content="  ")
    assert frozen(demand) == before


def test_review_needs_a_known_decision(demands_world, demand_factory):
    demand = reach(demands_world, demand_factory, S.REPLIED)
    before = frozen(demand)
    with pytest.raises(ValidationError):
        act(demands_world.hotline, demand, A.REVIEW, decision="maybe")
    with pytest.raises(ValidationError):
        act(demands_world.hotline, demand, A.REVIEW, decision="send_back")
    assert frozen(demand) == before


def test_callback_validates_its_answers(demands_world, demand_factory):
    demand = reach(demands_world, demand_factory, S.REVIEWED)
    before = frozen(demand)
    with pytest.raises(ValidationError):
        act(demands_world.hotline, demand, A.CALLBACK, **{**CALLBACK, "satisfaction": "meh"})
    with pytest.raises(ValidationError):
        act(demands_world.hotline, demand, A.CALLBACK, **{**CALLBACK, "valid": None})
    assert frozen(demand) == before


def test_reopen_only_when_the_unit_was_at_fault(demands_world, demand_factory):
    dw = demands_world
    demand = reach(dw, demand_factory, S.REVIEWED)
    demand = act(dw.hotline, demand, A.CALLBACK, **CALLBACK)
    before = frozen(demand)
    with pytest.raises(ConflictError):
        act(dw.hotline, demand, A.REOPEN)
    assert frozen(demand) == before
    at_fault = reach(dw, demand_factory, S.CALLBACK_DONE)
    assert at_fault.callbacks.get().unit_at_fault is True
    at_fault = act(dw.hotline, at_fault, A.REOPEN)
    assert at_fault.state == S.IN_PROGRESS
    assert at_fault.clock.purpose == "reply"
    assert at_fault.due_at is not None


def test_supervise_and_urge_count_and_keep_the_state(demands_world, demand_factory):
    dw = demands_world
    demand = act(dw.hotline, demand_factory(), A.DISPATCH)
    demand = act(dw.world.leader, demand, A.URGE)
    demand = act(dw.world.leader, demand, A.URGE)
    demand = act(dw.hotline, demand, A.SUPERVISE)
    assert demand.state == S.DISPATCHED
    assert demand.urge_count == 2
    assert demand.is_supervised is True
    assert Notification.objects.filter(recipient=dw.water_officer).count() == 4


def test_leader_may_only_flag(demands_world, demand_factory):
    dw = demands_world
    demand = demand_factory()
    before = frozen(demand)
    with pytest.raises(PermissionDenied):
        act(dw.world.leader, demand, A.DISPATCH)
    assert frozen(demand) == before


def test_roles_take_only_their_actions(demands_world, demand_factory):
    dw = demands_world
    demand = demand_factory()
    # Before dispatch the water bureau has nothing to do with the demand: it is invisible.
    with pytest.raises(Http404):
        act(dw.water_officer, demand, A.DISPATCH)
    demand = act(dw.hotline, demand, A.DISPATCH)
    demand = act(dw.water_officer, demand, A.REQUEST_RETURN)
    before = frozen(demand)
    with pytest.raises(PermissionDenied):
        act(dw.water_officer, demand, A.APPROVE_RETURN)
    assert frozen(demand) == before
    demand = act(dw.hotline, demand, A.REJECT_RETURN)
    before = frozen(demand)
    with pytest.raises(PermissionDenied):
        act(dw.hotline, demand, A.SIGN)
    # Another bureau's officer does not even see a demand its unit has nothing to do with.
    with pytest.raises(Http404):
        act(dw.planner, demand, A.SIGN)
    assert frozen(demand) == before


def test_receiving_unit_and_zone_officers_coordinate(demands_world, demand_factory):
    dw = demands_world
    world = dw.world
    # Raised by the enterprise online: zone A's enterprise-service department receives it.
    demand = demand_factory(actor=world.enterprise_user, channel="online")
    assert demand.receiving_unit == dw.service_unit_a
    demand = act(dw.service_officer_a, demand, A.DISPATCH)
    demand = act(world.officer_a, demand, A.URGE)
    assert demand.urge_count == 1


def test_double_submit_applies_once_and_stale_version_conflicts(demands_world, demand_factory):
    dw = demands_world
    demand = act(dw.hotline, demand_factory(), A.DISPATCH)
    stale = Demand.objects.get(pk=demand.pk)
    act(dw.water_officer, demand, A.SIGN)
    before = frozen(demand)
    with pytest.raises(ConflictError):
        act(dw.water_officer, stale, A.SIGN)
    assert frozen(demand) == before
    assert demand.events.filter(action=A.SIGN).count() == 1
    with pytest.raises(ConflictError):
        demand_act(
            actor=dw.water_officer,
            demand=demand,
            action=A.CONTACT,
            data={"note": "x"},
            version=stale.version,
        )
    assert frozen(demand) == before


def test_answer_directly_closes_at_once_and_stops_the_clock(demands_world, demand_factory):
    dw = demands_world
    demand = demand_factory(category="licence_consult")
    demand = act(dw.hotline, demand, A.ANSWER_DIRECTLY)
    assert demand.state == S.CLOSED
    assert demand.reply_content == DATA[A.ANSWER_DIRECTLY]["content"]
    assert demand.due_at is None
    assert not Clock.objects.filter(
        object_type="demands.demand", object_id=str(demand.pk), stopped_at__isnull=True
    ).exists()


def test_unknown_action_is_invalid(demands_world, demand_factory):
    demand = demand_factory()
    before = frozen(demand)
    with pytest.raises(ValidationError):
        demand_act(actor=demands_world.hotline, demand=demand, action="teleport", data={})
    assert frozen(demand) == before


def test_happiness_center_requests_use_the_service_clock(demands_world, demand_factory):
    from onezone.demands.models import HappinessService

    dw = demands_world
    service = HappinessService.objects.create(
        code="schooling",
        name="子女入学",
        category=dw.category("children_schooling"),
        provider_unit=dw.planning_unit,
        limit_amount=3,
        limit_unit="working_days",
    )
    with simulated_time(MORNING):
        demand = demand_factory(
            channel="happiness_center", category="children_schooling", happiness_service=service
        )
        demand = act(dw.hotline, demand, A.DISPATCH, lead_unit=dw.planning_unit.pk)
        demand = act(dw.planner, demand, A.SIGN)
    # Three working days from Tuesday 10 March: the close of Friday 13 March.
    assert demand.due_at == datetime(2026, 3, 13, 17, 30, tzinfo=SHANGHAI)


def test_mark_invalid_closes_and_is_coordinators_only(demands_world, demand_factory):
    from onezone.demands.services.demands import demand_mark_invalid

    dw = demands_world
    demand = act(dw.hotline, demand_factory(), A.DISPATCH)
    before = frozen(demand)
    with pytest.raises(PermissionDenied):
        demand_mark_invalid(actor=dw.water_officer, demand=demand, reason="恶意来电")
    with pytest.raises(ValidationError):
        demand_mark_invalid(actor=dw.hotline, demand=demand, reason=" ")
    assert frozen(demand) == before
    demand = demand_mark_invalid(actor=dw.hotline, demand=demand, reason="恶意来电")
    assert (demand.is_invalid, demand.state, demand.invalid_reason) == (True, S.CLOSED, "恶意来电")
    assert demand.due_at is None
    assert demand.events.order_by("-id").first().action == "mark_invalid"
    before = frozen(demand)
    with pytest.raises(ConflictError):
        demand_mark_invalid(actor=dw.hotline, demand=demand, reason="again")
    assert frozen(demand) == before


def test_mark_duplicate_links_the_original(demands_world, demand_factory):
    from onezone.demands.services.demands import demand_mark_duplicate

    dw = demands_world
    original, repeat = demand_factory(), demand_factory()
    before = frozen(repeat)
    with pytest.raises(ValidationError):
        demand_mark_duplicate(actor=dw.hotline, demand=repeat, original=repeat)
    assert frozen(repeat) == before
    repeat = demand_mark_duplicate(actor=dw.hotline, demand=repeat, original=original)
    assert repeat.duplicate_of == original
    assert repeat.state == S.CLOSED
    assert AuditEvent.objects.filter(action="demand.mark_duplicate").count() == 1
    with pytest.raises(ValidationError):
        demand_mark_duplicate(actor=dw.hotline, demand=original, original=repeat)
    assert Demand.objects.get(pk=original.pk).duplicate_of is None


def test_attachments(demands_world, demand_factory):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from onezone.demands.services.demands import demand_attach

    dw = demands_world
    demand = demand_factory()
    photo = SimpleUploadedFile("停水.jpg", b"\xff\xd8\xff" + b"0" * 100, "image/jpeg")
    attachment = demand_attach(actor=dw.world.enterprise_user, demand=demand, upload=photo)
    assert (attachment.name, attachment.size) == ("停水.jpg", 103)
    assert demand.events.filter(action="attach").count() == 1
    with pytest.raises(ValidationError):
        demand_attach(
            actor=dw.hotline,
            demand=demand,
            upload=SimpleUploadedFile("x.exe", b"MZ", "application/octet-stream"),
        )
    with pytest.raises(ValidationError):
        demand_attach(
            actor=dw.hotline,
            demand=demand,
            upload=SimpleUploadedFile("fake.pdf", b"MZ not a pdf", "application/pdf"),
        )
    with pytest.raises(Http404):
        demand_attach(
            actor=dw.world.other_enterprise_user,
            demand=demand,
            upload=SimpleUploadedFile("a.pdf", b"%PDF-1", "application/pdf"),
        )
    demand = act(dw.hotline, demand, A.ANSWER_DIRECTLY)
    with pytest.raises(ConflictError):
        demand_attach(
            actor=dw.hotline,
            demand=demand,
            upload=SimpleUploadedFile("a.pdf", b"%PDF-1", "application/pdf"),
        )
    assert demand.attachments.count() == 1


def test_the_first_dispatch_time_stays_after_a_return(demands_world, demand_factory):
    dw = demands_world
    with simulated_time(MORNING):
        demand = act(dw.hotline, demand_factory(), A.DISPATCH)
        demand = act(dw.water_officer, demand, A.REQUEST_RETURN)
        demand = act(dw.hotline, demand, A.APPROVE_RETURN)
    with simulated_time(MORNING + timedelta(hours=2)):
        demand = act(dw.hotline, demand, A.DISPATCH, lead_unit=dw.planning_unit.pk)
    assert demand.dispatched_at == MORNING
    # The sign clock runs from the new dispatch.
    assert demand.due_at == MORNING + timedelta(hours=4)
