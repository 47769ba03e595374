"""The item-case state machine: every (state, action) pair of the transition table, reasons,
and who may act. Each state is reached through the services, never written directly."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from onezone.approvals import services
from onezone.approvals.choices import (
    APPLICANT_ACTIONS,
    PREVIOUS,
    REASON_REQUIRED,
    TRANSITIONS,
    ItemAction,
    ItemCaseState,
)
from onezone.approvals.models import CaseEvent, Document, ItemCase
from onezone.approvals.tests.conftest import VALID_ID_NUMBER
from onezone.core.errors import ConflictError
from onezone.core.models import AuditEvent

S, A = ItemCaseState, ItemAction

FORM = {
    "company_name": "芯谷新创科技有限公司",
    "legal_representative_id": VALID_ID_NUMBER,
    "contact_phone": "13800138001",
}

# How each state is reached from a freshly received case: (action, by the applicant?).
PATHS = {
    S.RECEIVED: [],
    S.ACCEPTED: [A.ACCEPT],
    S.PROCESSING: [A.ACCEPT, A.START_PROCESSING],
    S.IN_CORRECTION: [A.REQUEST_CORRECTION],
    S.IN_SPECIAL_PROCEDURE: [A.ACCEPT, A.START_PROCESSING, A.START_SPECIAL],
    S.APPROVED_PENDING_MATERIALS: [A.ACCEPT, A.APPROVE_PENDING],
    S.APPROVED: [A.ACCEPT, A.APPROVE],
    S.NOT_ACCEPTED: [A.NOT_ACCEPT],
    S.REJECTED: [A.ACCEPT, A.REJECT],
    S.WITHDRAWN: [A.WITHDRAW],
    S.REVOKED: [A.ACCEPT, A.APPROVE, A.REVOKE],
}


def apply_for(world, *, actor=None, enterprise=None, form=None):
    """A submitted business_startup application in zone A (the founder's by default)."""
    return services.application_create(
        actor=actor or world.founder,
        journey="business_startup",
        zone="chip_valley",
        enterprise=enterprise,
        form=form or FORM,
    )


def stage_case(application, stage_order=1) -> ItemCase:
    return ItemCase.objects.get(application=application, stage_order=stage_order)


def act(world, case, action, *, actor=None, reason="依法说明的理由"):
    """Take an action as the side it belongs to (the applicant or officer_a)."""
    if actor is None:
        actor = case.application.applicant if action in APPLICANT_ACTIONS else world.officer_a
    return services.item_case_act(actor=actor, item_case=case, action=action, reason=reason)


def reach(world, state, application=None) -> ItemCase:
    application = application or apply_for(world)
    case = stage_case(application)
    for action in PATHS[state]:
        case = act(world, case, action)
    case.refresh_from_db()
    assert case.state == state
    return case


def snapshot(case) -> tuple:
    case.refresh_from_db()
    case.application.refresh_from_db()
    return (
        case.state,
        case.version,
        case.due_at,
        case.state_before_correction,
        case.application.state,
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
        Document.objects.count(),
        ItemCase.objects.count(),
    )


ALLOWED = [(state, action) for state in S for action in TRANSITIONS[state]]
REFUSED = [(state, action) for state in S for action in A if action not in TRANSITIONS[state]]


def test_table_covers_every_state():
    assert set(TRANSITIONS) == set(S.values)
    assert len(ALLOWED) + len(REFUSED) == len(S) * len(A)
    assert len(ALLOWED) == 22


@pytest.mark.parametrize(("state", "action"), ALLOWED, ids=[f"{s}-{a}" for s, a in ALLOWED])
def test_allowed_pair_reaches_the_tables_next_state(world, approvals, state, action):
    case = reach(world, state)
    before = snapshot(case)
    own_events = CaseEvent.objects.filter(item_case=case).count()
    result = act(world, case, action)
    result.refresh_from_db()
    target = TRANSITIONS[state][action]
    expected = S.RECEIVED if target == PREVIOUS else target  # from received, back to received
    assert result.state == expected
    assert result.version == before[1] + 1
    event = CaseEvent.objects.filter(item_case=result).latest("id")
    assert (event.action, event.from_state, event.to_state) == (action, state, expected)
    assert event.reason == "依法说明的理由"
    # One event on this case; revoking a stage-1 approval also closes the running stage-2 case.
    assert CaseEvent.objects.filter(item_case=result).count() == own_events + 1
    assert CaseEvent.objects.count() == before[5] + (2 if action == A.REVOKE else 1)
    assert AuditEvent.objects.filter(action=f"item_case.{action}", object_id=str(case.pk)).exists()


@pytest.mark.parametrize("via", [[], [A.ACCEPT], [A.ACCEPT, A.START_PROCESSING]])
def test_supply_correction_returns_to_the_state_before(world, approvals, via):
    case = stage_case(apply_for(world))
    for action in via:
        case = act(world, case, action)
    case.refresh_from_db()
    origin = case.state
    case = act(world, case, A.REQUEST_CORRECTION)
    assert (case.state, case.state_before_correction) == (S.IN_CORRECTION, origin)
    case = act(world, case, A.SUPPLY_CORRECTION)
    case.refresh_from_db()
    assert case.state == origin
    assert case.state_before_correction == ""
    assert case.due_at is not None
    event = case.events.latest("id")
    assert (event.from_state, event.to_state) == (S.IN_CORRECTION, origin)


@pytest.mark.parametrize(("state", "action"), REFUSED, ids=[f"{s}-{a}" for s, a in REFUSED])
def test_refused_pair_is_a_conflict_and_changes_nothing(world, approvals, state, action):
    case = reach(world, state)
    before = snapshot(case)
    with pytest.raises(ConflictError):
        act(world, case, action)
    assert snapshot(case) == before


def test_stale_version_is_a_conflict(world, approvals):
    case = reach(world, S.RECEIVED)
    before = snapshot(case)
    with pytest.raises(ConflictError):
        services.item_case_act(
            actor=world.officer_a, item_case=case, action=A.ACCEPT, version=case.version + 1
        )
    assert snapshot(case) == before
    case = services.item_case_act(
        actor=world.officer_a, item_case=case, action=A.ACCEPT, version=case.version
    )
    assert case.state == S.ACCEPTED


REASON_PAIRS = [
    (state, action) for state in S for action in TRANSITIONS[state] if action in REASON_REQUIRED
]


def test_reason_required_actions_are_the_expected_ones():
    assert {
        A.NOT_ACCEPT,
        A.REQUEST_CORRECTION,
        A.START_SPECIAL,
        A.REJECT,
        A.REVOKE,
    } == REASON_REQUIRED


@pytest.mark.parametrize(
    ("state", "action"), REASON_PAIRS, ids=[f"{s}-{a}" for s, a in REASON_PAIRS]
)
@pytest.mark.parametrize("reason", ["", "   \n "])
def test_reason_is_required(world, approvals, state, action, reason):
    case = reach(world, state)
    before = snapshot(case)
    with pytest.raises(ValidationError) as caught:
        act(world, case, action, reason=reason)
    assert list(caught.value.error_dict) == ["reason"]
    assert caught.value.error_dict["reason"][0].code == "required"
    assert snapshot(case) == before


def test_too_long_reason_is_refused(world, approvals):
    case = reach(world, S.RECEIVED)
    before = snapshot(case)
    with pytest.raises(ValidationError) as caught:
        act(world, case, A.NOT_ACCEPT, reason="理" * 2001)
    assert caught.value.error_dict["reason"][0].code == "too_long"
    assert snapshot(case) == before


def test_reason_is_optional_for_accept(world, approvals):
    case = act(world, reach(world, S.RECEIVED), A.ACCEPT, reason="")
    assert case.state == S.ACCEPTED
    assert case.events.latest("id").reason == ""


# ---- who may act ----------------------------------------------------------------------------

OFFICER_PAIRS = [(S.RECEIVED, A.ACCEPT), (S.ACCEPTED, A.APPROVE), (S.RECEIVED, A.NOT_ACCEPT)]
APPLICANT_PAIRS = [(S.IN_CORRECTION, A.SUPPLY_CORRECTION), (S.RECEIVED, A.WITHDRAW)]


@pytest.mark.parametrize(("state", "action"), OFFICER_PAIRS)
@pytest.mark.parametrize(
    "who",
    [
        "officer_b",
        "bureau_officer",
        "enterprise_user",
        "other_enterprise_user",
        "founder",
        "nobody",
    ],
)
def test_officer_actions_only_by_handlers_of_the_holder_unit(world, approvals, state, action, who):
    case = reach(world, state)
    before = snapshot(case)
    with pytest.raises(PermissionDenied):
        act(world, case, action, actor=getattr(world, who))
    assert snapshot(case) == before


@pytest.mark.parametrize(("state", "action"), APPLICANT_PAIRS)
@pytest.mark.parametrize(
    "who", ["officer_a", "officer_b", "enterprise_user", "other_enterprise_user", "nobody"]
)
def test_applicant_actions_only_by_the_applicant_side(world, approvals, state, action, who):
    case = reach(world, state)  # the founder's application
    before = snapshot(case)
    with pytest.raises(PermissionDenied):
        act(world, case, action, actor=getattr(world, who))
    assert snapshot(case) == before


def test_enterprise_colleague_is_on_the_applicant_side(world, approvals, django_user_model):
    """A confirmed user of the applying enterprise may supply corrections for a colleague."""
    from onezone.conftest import PASSWORD
    from onezone.enterprises import services as enterprise_services

    application = apply_for(world, actor=world.enterprise_user, enterprise=world.enterprise.uscc)
    case = act(world, stage_case(application), A.REQUEST_CORRECTION)
    colleague = enterprise_services.membership_confirm(
        actor=world.officer_a,
        membership=enterprise_services.enterprise_signup(
            username="colleague",
            password=PASSWORD,
            full_name="colleague",
            phone="13800138002",
            uscc=world.enterprise.uscc,
            enterprise_name=world.enterprise.name,
            zone=world.zone_a,
        ),
    ).user
    case = act(world, case, A.SUPPLY_CORRECTION, actor=colleague)
    assert case.state == S.RECEIVED
    with pytest.raises(PermissionDenied):
        act(world, case, A.ACCEPT, actor=colleague)


def test_administrator_may_handle(world, approvals):
    case = act(world, reach(world, S.RECEIVED), A.ACCEPT, actor=world.admin)
    assert case.state == S.ACCEPTED


def test_comment_by_handler_and_applicant_only(world, approvals):
    case = reach(world, S.RECEIVED)
    services.item_case_comment(actor=world.officer_a, item_case=case, text="请尽快补充")
    services.item_case_comment(actor=world.founder, item_case=case, text="已收到")
    before = snapshot(case)
    for outsider in (world.officer_b, world.other_enterprise_user, world.nobody):
        with pytest.raises(PermissionDenied):
            services.item_case_comment(actor=outsider, item_case=case, text="看看")
    with pytest.raises(ValidationError) as caught:
        services.item_case_comment(actor=world.officer_a, item_case=case, text="  ")
    assert list(caught.value.error_dict) == ["text"]
    assert snapshot(case) == before
    assert list(case.events.values_list("action", "reason")) == [
        ("comment", "请尽快补充"),
        ("comment", "已收到"),
    ]
    assert case.state == S.RECEIVED


@pytest.mark.parametrize("action", ["fly", "", "comment"])
def test_unknown_action_is_a_conflict_and_changes_nothing(world, approvals, action):
    case = reach(world, S.RECEIVED)
    before = snapshot(case)
    with pytest.raises(ConflictError):
        services.item_case_act(actor=world.officer_a, item_case=case, action=action, reason="x")
    assert snapshot(case) == before
