"""Reads of the approvals app, scoped to the actor (outcomes: `selectors.outcomes`)."""

from django.db.models import F, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from onezone.approvals.access import application_filter_for, handled_unit_ids
from onezone.approvals.choices import DECIDED_STATES
from onezone.approvals.models import Application, ItemCase, Journey


def journey_list(*, active_only: bool = True) -> QuerySet[Journey]:
    journeys = Journey.objects.prefetch_related("stages__items__spec__matter")
    return journeys.filter(is_active=True) if active_only else journeys


def journey_get(*, code: str, active_only: bool = True) -> Journey:
    return get_object_or_404(journey_list(active_only=active_only), code=code)


def _cases() -> Prefetch:
    return Prefetch(
        "item_cases",
        queryset=ItemCase.objects.select_related(
            "journey_item__spec__matter", "holder_unit__body", "clock"
        ).order_by("stage_order", "id"),
    )


def application_list(*, actor, state: str = "", journey_code: str = "") -> QuerySet[Application]:
    """Applications the actor may see: its own, its enterprise's, its units', or all."""
    visible = application_filter_for(actor)
    applications = Application.objects.all()
    if visible:
        applications = applications.filter(pk__in=Application.objects.filter(visible).values("pk"))
    if state:
        applications = applications.filter(state=state)
    if journey_code:
        applications = applications.filter(journey__code=journey_code)
    return applications.select_related("journey", "zone", "enterprise", "applicant").order_by(
        "-created_at", "-id"
    )


def application_get(*, actor, pk: int) -> Application:
    """One visible application with its cases (404 when hidden)."""
    return get_object_or_404(application_list(actor=actor).prefetch_related(_cases()), pk=pk)


def case_get(*, actor, pk: int) -> ItemCase:
    """An item case of a visible application (404 otherwise)."""
    return get_object_or_404(
        ItemCase.objects.filter(application__in=application_list(actor=actor)).select_related(
            "application__journey",
            "application__zone",
            "application__enterprise",
            "application__applicant",
            "journey_item__spec__matter",
            "holder_unit__body",
            "clock",
        ),
        pk=pk,
    )


def queue(*, actor, include_decided: bool = False) -> QuerySet[ItemCase]:
    """The officer's queue: cases of the units they handle, least time left first (cases
    whose clock is paused, with no due time, come last)."""
    cases = ItemCase.objects.filter(holder_unit_id__in=handled_unit_ids(actor))
    if not include_decided:
        cases = cases.exclude(state__in=DECIDED_STATES)
    return cases.select_related(
        "application__journey",
        "application__zone",
        "application__enterprise",
        "journey_item__spec__matter",
        "holder_unit__body",
    ).order_by(F("due_at").asc(nulls_last=True), "id")


def application_clocks(*, application: Application) -> dict:
    """The journey clock (against the journey's target) and each stage's clock, as statuses:
    {"journey": ClockStatus | None, "stages": {order: ClockStatus}}."""
    from onezone.approvals.services.applications import APPLICATION_OBJECT_TYPE
    from onezone.core.clocks import clock_list_for, clock_status

    statuses = {"journey": None, "stages": {}}
    for item in clock_list_for(object_type=APPLICATION_OBJECT_TYPE, object_id=application.pk):
        if item.purpose == "journey":
            statuses["journey"] = clock_status(item)
        elif item.purpose.startswith("stage-"):
            statuses["stages"][int(item.purpose.removeprefix("stage-"))] = clock_status(item)
    return statuses
