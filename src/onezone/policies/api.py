"""Policies API: the library, policy files as JSON, an enterprise's matches, applications."""

from datetime import date, datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Body, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AfterValidator, ConfigDict
from pydantic_core import PydanticCustomError

from onezone.core import clock, workcal
from onezone.core.access import require
from onezone.core.api import ErrorOut, Pagination, Text, database_id
from onezone.policies import selectors
from onezone.policies.access import can_manage_policies
from onezone.policies.choices import ApplicationAction
from onezone.policies.engine.errors import PolicyFileError
from onezone.policies.engine.rules import rule_prose
from onezone.policies.engine.spec import parse_policy
from onezone.policies.services.applications import policy_application_act, policy_apply
from onezone.policies.services.evaluation import spec_of
from onezone.policies.services.matching import match_enterprise
from onezone.policies.services.policies import (
    is_listing_late,
    listing_delay_working_days,
    policy_load,
)

router = Router(tags=["policies"])


# ---- input ------------------------------------------------------------------------------------


def _supported_day(value: date) -> date:
    if not workcal.FIRST_SUPPORTED_YEAR <= value.year <= workcal.LAST_SUPPORTED_YEAR:
        raise PydanticCustomError(
            "out_of_range",
            "Give a date in the years {first}–{last}.",
            {"first": workcal.FIRST_SUPPORTED_YEAR, "last": workcal.LAST_SUPPORTED_YEAR},
        )
    return value


Day = Annotated[date, AfterValidator(_supported_day)]
Answer = str | int | float | bool | None


class LibraryQuery(Schema):
    q: Text = ""
    policy_class: Text = ""
    mode: Text = ""
    industry: Text = ""
    size: Text = ""
    stage: Text = ""
    zone: Text = ""
    at: Day | None = None


class DateQuery(Schema):
    date: Day | None = None


class ApplicationQuery(Schema):
    state: Text = ""
    policy: Text = ""
    enterprise: Text = ""
    q: Text = ""


class ApplyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    enterprise: Text
    form: dict[Text, Answer] = {}


class ActionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: Text = ""
    amount: float | None = None
    version: int | None = None


# ---- output -----------------------------------------------------------------------------------


class PolicyItemOut(Schema):
    code: str
    version: int
    title: str
    issuer: str
    policy_class: str
    mode: str
    reference: str
    summary: str
    office: str
    phone: str
    valid_from: date
    valid_to: date | None
    amount_unit: str

    # A stored version in lists; the detail view passes a dict it has already filled.
    @staticmethod
    def resolve_code(version) -> str:
        return version["code"] if isinstance(version, dict) else version.policy.code

    @staticmethod
    def resolve_version(version) -> int:
        return version["version"] if isinstance(version, dict) else version.number


class VersionOut(Schema):
    number: int
    title: str
    valid_from: date
    valid_to: date | None
    created_at: datetime


class PolicyOut(PolicyItemOut):
    published_on: date | None
    listed_on: date | None
    listing_delay_working_days: int | None
    is_listing_late: bool
    payout_limit_working_days: int | None
    eligibility: dict[str, Any]
    amount_formula: str
    fields_read: list[str]
    rules: list[str]
    tests: list[dict[str, Any]]
    versions: list[VersionOut]


class ConditionOut(Schema):
    field: str
    op: str
    value: Any
    actual: Any
    passed: bool | None
    text: str


class GapOut(Schema):
    field: str
    op: str
    value: Any
    actual: Any
    message: str


class MatchOut(Schema):
    code: str
    title: str
    version: int
    mode: str
    eligible: bool
    amount: float | None
    unit: str
    conditions: list[ConditionOut]
    gaps: list[GapOut]


class MatchListOut(Schema):
    items: list[MatchOut]
    count: int


class EventOut(Schema):
    action: str
    from_state: str
    to_state: str
    note: str
    actor: str | None
    at: datetime


class ApplicationItemOut(Schema):
    id: int
    reference: str
    policy: str
    policy_version: int
    title: str
    enterprise: str
    enterprise_name: str
    state: str
    is_auto_grant: bool
    amount_computed: float | None
    amount_approved: float | None
    amount_unit: str
    submitted_at: datetime
    decided_at: datetime | None
    paid_at: datetime | None
    payout_due_at: datetime | None
    version: int

    @staticmethod
    def resolve_policy(application) -> str:
        return application.version.policy.code

    @staticmethod
    def resolve_policy_version(application) -> int:
        return application.version.number

    @staticmethod
    def resolve_title(application) -> str:
        return application.version.title

    @staticmethod
    def resolve_enterprise(application) -> str:
        return application.enterprise.uscc

    @staticmethod
    def resolve_enterprise_name(application) -> str:
        return application.enterprise.name

    @staticmethod
    def resolve_version(application) -> int:
        return application.version_lock


class ApplicationOut(ApplicationItemOut):
    form: dict[str, Any]
    fallback_reason: str
    decision_reason: str
    events: list[EventOut]

    @staticmethod
    def resolve_form(application) -> dict:
        return application.form_data

    @staticmethod
    def resolve_events(application) -> list[dict]:
        return [
            {
                "action": event.action,
                "from_state": event.from_state,
                "to_state": event.to_state,
                "note": event.note,
                "actor": event.actor.username if event.actor_id else None,
                "at": event.at,
            }
            for event in selectors.application_events(application=application)
        ]


ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# ---- helpers ----------------------------------------------------------------------------------


def _policy_out(version) -> dict:
    return {
        **{
            name: getattr(version, name)
            for name in PolicyOut.model_fields
            if hasattr(version, name)
        },
        "code": version.policy.code,
        "version": version.number,
        "listing_delay_working_days": listing_delay_working_days(version),
        "is_listing_late": is_listing_late(version),
        "rules": rule_prose(spec_of(version).rule),
        "versions": list(selectors.policy_versions(version=version)),
    }


def _file_errors(error: PolicyFileError) -> ValidationError:
    """A policy file's faults as field errors: `field` is the path of the fault."""
    errors: dict[str, list] = {}
    for path, message in error.errors:
        errors.setdefault(path or "__all__", []).append(ValidationError(message, code="invalid"))
    return ValidationError(errors)


# ---- the library and policy files ---------------------------------------------------------------


@router.get("/policies", response=list[PolicyItemOut], auth=None)
@paginate(Pagination)
def policy_list(request, filters: Query[LibraryQuery]):
    return selectors.policy_library(
        filters=selectors.PolicyFilters(
            q=filters.q,
            policy_class=filters.policy_class,
            mode=filters.mode,
            industry=filters.industry.upper(),
            size=filters.size,
            stage=filters.stage,
            zone=filters.zone,
            at=filters.at,
        )
    )


@router.get("/policies/{code}", response={200: PolicyOut, 404: ErrorOut}, auth=None)
def policy_detail(request, code: str, filters: Query[DateQuery]):
    return _policy_out(selectors.policy_get(code=code, at=filters.date))


@router.post("/policies", response={200: PolicyOut, 201: PolicyOut, **ERRORS})
def policy_create(request, payload: Body[dict[str, Any]]):
    """The policy file's structure as JSON: a new policy, or a new version of its code."""
    require(can_manage_policies(request.user), _("Only policy officers may load policies."))
    try:
        spec = parse_policy(payload, source_name="api")
    except PolicyFileError as error:
        raise _file_errors(error) from None
    before = selectors.PolicyVersion.objects.filter(policy__code=spec.code).count()
    version = policy_load(actor=request.user, spec=spec)
    created = selectors.PolicyVersion.objects.filter(policy__code=spec.code).count() > before
    return Status(201 if created else 200, _policy_out(version))


# ---- an enterprise's matches -------------------------------------------------------------------


@router.get(
    "/enterprises/{uscc}/policies", response={200: MatchListOut, 404: ErrorOut, 422: ErrorOut}
)
def enterprise_policies(request, uscc: str, filters: Query[DateQuery]):
    """Every policy in force at `date` (default today) against the enterprise, explained."""
    enterprise = selectors.enterprise_for_policies(actor=request.user, uscc=uscc)
    entries = match_enterprise(enterprise, filters.date or clock.today())
    return {"items": entries, "count": len(entries)}


# ---- applications -----------------------------------------------------------------------------


def _visible_application(request, pk: int):
    return selectors.application_get(actor=request.user, pk=database_id(pk))


@router.post("/policies/{code}/applications", response={201: ApplicationOut, **ERRORS})
def application_create(request, code: str, payload: ApplyIn):
    version = selectors.policy_get(code=code)
    enterprise = selectors.enterprise_for_policies(actor=request.user, uscc=payload.enterprise)
    application = policy_apply(
        actor=request.user, version=version, enterprise=enterprise, form_data=payload.form
    )
    return Status(201, _visible_application(request, application.pk))


@router.get("/policy-applications", response=list[ApplicationItemOut])
@paginate(Pagination)
def application_list(request, filters: Query[ApplicationQuery]):
    return selectors.application_list(
        actor=request.user,
        filters=selectors.ApplicationFilters(
            state=filters.state,
            policy=filters.policy,
            enterprise=filters.enterprise.upper(),
            q=filters.q,
        ),
    )


@router.get("/policy-applications/{int:id}", response={200: ApplicationOut, 404: ErrorOut})
def application_detail(request, id: int):
    return _visible_application(request, id)


@router.post(
    "/policy-applications/{int:id}/actions/{action}", response={200: ApplicationOut, **ERRORS}
)
def application_act(request, id: int, action: str, payload: ActionIn):
    application = _visible_application(request, id)
    if action not in ApplicationAction.values:
        raise Http404
    policy_application_act(
        actor=request.user,
        application=application,
        action=action,
        reason=payload.reason,
        amount=payload.amount,
        version=payload.version,
    )
    return _visible_application(request, id)
