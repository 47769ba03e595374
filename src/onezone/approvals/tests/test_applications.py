"""Applications: creation, drafts, stage progress, withdrawal, and what each user may see."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from onezone.approvals import selectors, services
from onezone.approvals.choices import ApplicationState, ItemAction, ItemCaseState
from onezone.approvals.models import Application, CaseEvent, ItemCase
from onezone.approvals.services.catalogue import journey_save
from onezone.approvals.tests.test_transitions import FORM, act, apply_for, stage_case
from onezone.core.clock import simulated_time
from onezone.core.errors import ConflictError
from onezone.core.models import AuditEvent

SH = ZoneInfo("Asia/Shanghai")
A, S, AS = ItemAction, ItemCaseState, ApplicationState


def refreshed(obj):
    obj.refresh_from_db()
    return obj


# ---- creation and drafts --------------------------------------------------------------------


def test_submission_opens_the_first_stage_only(world, approvals):
    moment = datetime(2025, 9, 30, 10, 0, tzinfo=SH)
    with simulated_time(moment):
        application = apply_for(world)
    assert application.state == AS.SUBMITTED
    assert application.submitted_at == moment
    assert application.current_stage == 1
    assert application.reference.startswith("SQ20250930")
    assert application.form_data == FORM
    cases = list(application.item_cases.all())
    assert len(cases) == 1
    assert cases[0].journey_item.spec == approvals.registration
    assert cases[0].holder_unit == approvals.unit
    assert cases[0].state == S.RECEIVED
    assert AuditEvent.objects.filter(action="item_case.receive").count() == 1


def test_draft_skips_required_fields_and_opens_no_case(world, approvals):
    application = services.application_create(
        actor=world.founder,
        journey="business_startup",
        zone="chip_valley",
        form={"company_name": "草稿公司"},
        draft=True,
    )
    assert application.state == AS.DRAFT
    assert application.submitted_at is None
    assert not application.item_cases.exists()
    with pytest.raises(ValidationError) as caught:
        services.application_submit(actor=world.founder, application=application)
    assert set(caught.value.error_dict) == {"form.legal_representative_id", "form.contact_phone"}
    assert refreshed(application).state == AS.DRAFT
    application = services.application_update_draft(
        actor=world.founder,
        application=application,
        form={k: v for k, v in FORM.items() if k != "company_name"},
    )
    assert application.form_data["company_name"] == "草稿公司"
    with pytest.raises(PermissionDenied):
        services.application_submit(actor=world.enterprise_user, application=application)
    application = services.application_submit(actor=world.founder, application=application)
    assert application.state == AS.SUBMITTED
    assert application.item_cases.count() == 1
    with pytest.raises(ConflictError):
        services.application_submit(actor=world.founder, application=application)
    with pytest.raises(ConflictError):
        services.application_update_draft(
            actor=world.founder, application=application, form={"company_name": "改名"}
        )


@pytest.mark.parametrize(
    ("kwargs", "fields"),
    [
        ({"journey": "no_such"}, {"journey"}),
        ({"zone": "nowhere"}, {"zone"}),
        ({"zone": "aviation"}, {"zone"}),  # the matters have no holder in zone B
        ({"form": {**FORM, "contact_phone": "12345"}}, {"form.contact_phone"}),
        ({"form": {**FORM, "surprise": "x"}}, {"form.surprise"}),
    ],
)
def test_bad_creation_is_refused_and_stores_nothing(world, approvals, kwargs, fields):
    audit = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.application_create(
            **{
                "actor": world.founder,
                "journey": "business_startup",
                "zone": "chip_valley",
                "form": FORM,
                **kwargs,
            }
        )
    assert set(caught.value.error_dict) == fields
    assert Application.objects.count() == 0
    assert ItemCase.objects.count() == 0
    assert AuditEvent.objects.count() == audit


def test_enterprise_must_be_the_actors_and_in_the_zone(world, approvals):
    with pytest.raises(ValidationError) as caught:
        apply_for(world, actor=world.enterprise_user, enterprise=world.other_enterprise.uscc)
    assert set(caught.value.error_dict) == {"enterprise"}
    with pytest.raises(ValidationError) as caught:
        apply_for(world, actor=world.other_enterprise_user, enterprise=world.other_enterprise.uscc)
    assert set(caught.value.error_dict) == {"zone"}
    for outsider in (world.officer_a, world.nobody):
        with pytest.raises(PermissionDenied):
            apply_for(world, actor=outsider)
    assert Application.objects.count() == 0
    application = apply_for(world, actor=world.enterprise_user, enterprise=world.enterprise.uscc)
    assert application.enterprise == world.enterprise


# ---- stage progress -------------------------------------------------------------------------


def test_stage_two_starts_when_stage_one_is_decided_and_completion_sets_finished_at(
    world, approvals
):
    with simulated_time(datetime(2026, 3, 2, 9, 0, tzinfo=SH)):
        application = apply_for(world)
        registration = act(world, stage_case(application), A.ACCEPT)
        assert refreshed(application).state == AS.IN_PROGRESS
        assert not application.item_cases.filter(stage_order=2).exists()
        act(world, registration, A.START_PROCESSING)
        assert not application.item_cases.filter(stage_order=2).exists()
    moment = datetime(2026, 3, 2, 10, 0, tzinfo=SH)
    with simulated_time(moment):
        act(world, registration, A.APPROVE)
    application.refresh_from_db()
    assert application.current_stage == 2
    assert application.state == AS.IN_PROGRESS
    seal = stage_case(application, 2)
    assert (seal.state, seal.received_at, seal.journey_item.spec) == (
        S.RECEIVED,
        moment,
        approvals.seal,
    )
    with simulated_time(datetime(2026, 3, 3, 9, 0, tzinfo=SH)):
        seal = act(world, seal, A.ACCEPT)
    assert application.finished_at is None
    finish = datetime(2026, 3, 3, 11, 0, tzinfo=SH)
    with simulated_time(finish):
        act(world, seal, A.APPROVE)
    application.refresh_from_db()
    assert application.state == AS.COMPLETED
    assert application.finished_at == finish


def test_approved_pending_materials_counts_as_decided(world, approvals):
    application = apply_for(world)
    registration = act(world, stage_case(application), A.ACCEPT)
    act(world, registration, A.APPROVE_PENDING)
    assert refreshed(application).current_stage == 2
    assert stage_case(application, 2).state == S.RECEIVED


@pytest.mark.parametrize(
    ("path", "application_state"),
    [
        ([A.ACCEPT, A.REJECT], AS.REJECTED),
        ([A.NOT_ACCEPT], AS.REJECTED),
        ([A.WITHDRAW], AS.WITHDRAWN),
    ],
)
def test_failed_mandatory_item_ends_the_application(world, approvals, path, application_state):
    with simulated_time(datetime(2026, 3, 2, 9, 0, tzinfo=SH)):
        application = apply_for(world)
    case = stage_case(application)
    finish = datetime(2026, 3, 2, 15, 0, tzinfo=SH)
    with simulated_time(finish):
        for action in path:
            case = act(world, case, action)
    application.refresh_from_db()
    assert application.state == application_state
    assert application.finished_at == finish
    assert application.current_stage == 1
    assert not application.item_cases.filter(stage_order=2).exists()
    # A closed application takes no further action (except revocation of an approval).
    with pytest.raises(ConflictError):
        act(world, case, A.ACCEPT)


def test_rejected_optional_item_does_not_reject_the_application(world, approvals):
    application = apply_for(world)
    registration = act(world, stage_case(application), A.ACCEPT)
    act(world, registration, A.APPROVE)
    seal = act(world, stage_case(application, 2), A.ACCEPT)
    act(world, seal, A.REJECT)
    application.refresh_from_db()
    assert application.state == AS.COMPLETED
    assert application.finished_at is not None


def test_optional_item_not_accepted_in_a_shared_stage_leaves_the_mandatory_one_open(
    world, approvals
):
    journey_save(
        actor=world.admin,
        data={
            "code": "shared_stage",
            "name": "同阶段",
            "needs_enterprise": False,
            "baseline_value": 10,
            "baseline_unit": "days",
            "baseline_definition": "改革前",
            "target_value": 1,
            "target_unit": "working_days",
            "target_definition": "目标",
        },
        stages=[
            {
                "order": 1,
                "name": "并联",
                "lead_body": world.committee_a,
                "items": [
                    {"spec": approvals.registration},
                    {"spec": approvals.seal, "is_mandatory": False},
                ],
            }
        ],
    )
    application = services.application_create(
        actor=world.founder, journey="shared_stage", zone="chip_valley", form=FORM
    )
    registration, seal = application.item_cases.order_by("journey_item__order")
    act(world, seal, A.NOT_ACCEPT)
    assert refreshed(application).state == AS.SUBMITTED
    act(world, registration, A.ACCEPT)
    assert refreshed(application).state == AS.IN_PROGRESS
    act(world, registration, A.REJECT)
    assert refreshed(application).state == AS.REJECTED


def test_withdrawal_withdraws_open_cases(world, approvals):
    with simulated_time(datetime(2026, 3, 2, 9, 0, tzinfo=SH)):
        application = apply_for(world)
        registration = act(world, stage_case(application), A.ACCEPT)
        registration = act(world, registration, A.REQUEST_CORRECTION)
    events = CaseEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.application_withdraw(actor=world.officer_a, application=application)
    assert refreshed(application).state == AS.IN_PROGRESS
    finish = datetime(2026, 3, 2, 15, 0, tzinfo=SH)
    with simulated_time(finish):
        services.application_withdraw(actor=world.founder, application=application)
    application.refresh_from_db()
    registration.refresh_from_db()
    assert application.state == AS.WITHDRAWN
    assert application.finished_at == finish
    assert registration.state == S.WITHDRAWN
    assert registration.decided_at == finish
    assert registration.due_at is None
    registration.clock.refresh_from_db()
    assert registration.clock.stopped_at == finish
    assert CaseEvent.objects.count() == events + 1
    event = registration.events.latest("id")
    assert (event.action, event.from_state, event.to_state) == (
        A.WITHDRAW,
        S.IN_CORRECTION,
        S.WITHDRAWN,
    )
    with pytest.raises(ConflictError):
        services.application_withdraw(actor=world.founder, application=application)


def test_withdrawal_leaves_decided_cases_alone(world, approvals):
    application = apply_for(world)
    registration = act(world, stage_case(application), A.ACCEPT)
    act(world, registration, A.APPROVE)
    services.application_withdraw(actor=world.founder, application=application)
    assert stage_case(application, 1).state == S.APPROVED
    assert stage_case(application, 2).state == S.WITHDRAWN
    assert refreshed(application).state == AS.WITHDRAWN


def test_draft_withdrawal(world, approvals):
    application = services.application_create(
        actor=world.founder, journey="business_startup", zone="chip_valley", form={}, draft=True
    )
    services.application_withdraw(actor=world.founder, application=application)
    assert refreshed(application).state == AS.WITHDRAWN


# ---- visibility -----------------------------------------------------------------------------


@pytest.fixture
def two_applications(world, approvals):
    """The founder's application and the enterprise's, both in zone A."""
    own = apply_for(world)
    enterprise = apply_for(world, actor=world.enterprise_user, enterprise=world.enterprise.uscc)
    return own, enterprise


@pytest.mark.parametrize(
    ("who", "sees_founders", "sees_enterprises"),
    [
        ("founder", True, False),
        ("enterprise_user", False, True),
        ("other_enterprise_user", False, False),
        ("officer_a", True, True),
        ("officer_b", False, False),
        ("bureau_officer", False, False),
        ("nobody", False, False),
        ("leader", True, True),
        ("admin", True, True),
    ],
)
def test_selectors_hide_other_applications(
    world, two_applications, who, sees_founders, sees_enterprises
):
    actor = getattr(world, who)
    visible = {}
    for application, expected in zip(
        two_applications, (sees_founders, sees_enterprises), strict=True
    ):
        case = stage_case(application)
        if expected:
            assert selectors.application_get(actor=actor, pk=application.pk) == application
            assert selectors.case_get(actor=actor, pk=case.pk) == case
        else:
            with pytest.raises(Http404):
                selectors.application_get(actor=actor, pk=application.pk)
            with pytest.raises(Http404):
                selectors.case_get(actor=actor, pk=case.pk)
        visible[application.pk] = expected
    listed = set(selectors.application_list(actor=actor).values_list("pk", flat=True))
    assert listed == {pk for pk, seen in visible.items() if seen}


def test_application_list_has_no_duplicates_for_handlers(world, two_applications):
    founders = two_applications[0]
    act(world, act(world, stage_case(founders), A.ACCEPT), A.APPROVE)  # two cases, same unit
    rows = list(selectors.application_list(actor=world.officer_a))
    assert len(rows) == len(set(rows)) == 2


def test_queue_orders_by_time_left_and_paused_last(world, approvals):
    with simulated_time(datetime(2025, 9, 30, 9, 0, tzinfo=SH)):
        first = stage_case(apply_for(world))
    with simulated_time(datetime(2025, 9, 29, 9, 0, tzinfo=SH)):
        earlier = stage_case(apply_for(world))
    with simulated_time(datetime(2025, 10, 9, 9, 0, tzinfo=SH)):
        paused = act(world, stage_case(apply_for(world)), A.REQUEST_CORRECTION)
    assert list(selectors.queue(actor=world.officer_a)) == [earlier, first, paused]
    assert list(selectors.queue(actor=world.officer_b)) == []
    with simulated_time(datetime(2025, 10, 9, 10, 0, tzinfo=SH)):
        act(world, first, A.NOT_ACCEPT)
    assert list(selectors.queue(actor=world.officer_a)) == [earlier, paused]
    assert first in selectors.queue(actor=world.officer_a, include_decided=True)


def test_failed_mandatory_item_closes_the_stages_other_open_cases(world, approvals):
    """Once the application is rejected nobody can act on its other cases, so they must not
    stay open in the queue, keep a running clock, or be flagged overdue by the sweep."""
    journey_save(
        actor=world.admin,
        data={
            "code": "parallel",
            "name": "并联",
            "needs_enterprise": False,
            "baseline_value": 10,
            "baseline_unit": "days",
            "baseline_definition": "改革前",
            "target_value": 1,
            "target_unit": "working_days",
            "target_definition": "目标",
        },
        stages=[
            {
                "order": 1,
                "name": "并联",
                "lead_body": world.committee_a,
                "items": [{"spec": approvals.registration}, {"spec": approvals.seal}],
            }
        ],
    )
    with simulated_time(datetime(2025, 9, 30, 9, 0, tzinfo=SH)):
        application = services.application_create(
            actor=world.founder, journey="parallel", zone="chip_valley", form=FORM
        )
        registration, seal = application.item_cases.order_by("journey_item__order")
        seal = act(world, seal, A.REQUEST_CORRECTION)
        act(world, registration, A.NOT_ACCEPT)
    application.refresh_from_db()
    seal.refresh_from_db()
    assert application.state == AS.REJECTED
    assert seal.state == S.WITHDRAWN
    assert seal.due_at is None
    assert seal.decided_at == datetime(2025, 9, 30, 9, 0, tzinfo=SH)
    seal.clock.refresh_from_db()
    assert seal.clock.stopped_at is not None
    assert list(selectors.queue(actor=world.officer_a)) == []
    with simulated_time(datetime(2025, 12, 1, 9, 0, tzinfo=SH)):
        assert services.item_cases_mark_overdue() == 0
