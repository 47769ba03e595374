"""Pages of the enterprise and founder portal: journeys, the one form, materials, following each
item with its deadline, corrections, withdrawal, ratings and official documents."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onezone.approvals import selectors, services
from onezone.approvals.access import is_applicant_side
from onezone.approvals.choices import (
    APPLICATION_OPEN_STATES,
    DECIDED_STATES,
    ApplicationState,
    FieldType,
    ItemAction,
    ItemCaseState,
)
from onezone.approvals.forms import (
    ApplicationFilterForm,
    ApplicationForm,
    CorrectionForm,
    MaterialReuseForm,
    MaterialUploadForm,
    RatingForm,
    zone_choices,
)
from onezone.approvals.models import Application, CaseEvent, Document, Rating, SpecMaterial
from onezone.approvals.services.applications import APPLICANT_ROLES
from onezone.approvals.services.materials import reusable_materials, spec_materials_of
from onezone.approvals.services.ratings import RATEABLE_STATES, rating_submit
from onezone.core import clock
from onezone.core.access import require, role_names
from onezone.core.choices import TimeUnit, TrafficLight
from onezone.core.errors import ConflictError
from onezone.core.forms import add_service_errors, error_text, with_form_controls
from onezone.core.paging import paginate, render_list
from onezone.enterprises.selectors import confirmed_enterprises_of

# The share of its time left at which an open item turns amber (as core.clocks does).
AMBER_REMAINING_SHARE = 0.25
LIGHT_CSS = {TrafficLight.GREEN: "green", TrafficLight.AMBER: "yellow", TrafficLight.RED: "red"}
WITHDRAWABLE_STATES = {ApplicationState.DRAFT, *APPLICATION_OPEN_STATES}


def _can_apply(user) -> bool:
    return bool(role_names(user) & APPLICANT_ROLES)


def _detail_url(application) -> str:
    return reverse("approvals:application_detail", args=[application.pk])


def _unit_label(unit: str) -> str:
    if unit in TimeUnit.values:
        return str(TimeUnit(unit).label)
    return _("days") if unit == "days" else unit


# ---- journeys ---------------------------------------------------------------------------


@login_required
def journey_list(request):
    journeys = [
        {
            "journey": journey,
            "target_unit": _unit_label(journey.target_unit),
            "baseline_unit": _unit_label(journey.baseline_unit),
        }
        for journey in selectors.journey_list()
    ]
    context = {"nav_active": "journeys", "rows": journeys, "can_apply": _can_apply(request.user)}
    return render(request, "approvals/portal_journey_list.html", context)


def _first_stage_materials(journey) -> list[SpecMaterial]:
    """Required materials of the first stage: such a journey cannot be submitted at once."""
    first = journey.stages.order_by("order").values_list("order", flat=True).first()
    if first is None:
        return []
    return [m for m in spec_materials_of(Application(journey=journey), first) if m.is_required]


@login_required
def application_start(request, code: str):
    require(_can_apply(request.user), _("Only enterprises and founders apply."))
    journey = selectors.journey_get(code=code)
    enterprises = confirmed_enterprises_of(user=request.user).order_by("name")
    initial = {}
    if len(enterprises) == 1:
        initial = {"enterprise": enterprises[0].uscc, "zone": enterprises[0].zone.code}
    form = ApplicationForm(
        request.POST or None,
        answers=services.journey_form(journey),
        zones=zone_choices(),
        enterprises=enterprises,
        needs_enterprise=journey.needs_enterprise,
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            enterprise = form.cleaned_data.get("enterprise")
            try:
                application = services.application_create(
                    actor=request.user,
                    journey=journey.code,
                    zone=form.cleaned_data["zone"].code,
                    enterprise=enterprise.uscc if enterprise else None,
                    form=form.answer_data(),
                    draft=request.POST.get("action") != "submit",
                )
            except ValidationError as error:
                add_service_errors(form, error, renamed=form.error_names())
            else:
                return _saved(request, application)
    context = {
        "nav_active": "journeys",
        "journey": journey,
        "form": with_form_controls(form),
        "first_stage_materials": _first_stage_materials(journey),
    }
    return render(request, "approvals/portal_application_start.html", context, status=status)


def _saved(request, application):
    if application.state == ApplicationState.DRAFT:
        messages.success(request, _("The draft is saved. Upload the materials, then submit."))
    else:
        messages.success(request, _("The application is submitted."))
    return redirect(_detail_url(application))


# ---- list ---------------------------------------------------------------------------------


@login_required
def application_list(request):
    filter_form = ApplicationFilterForm(request.GET or None)
    state = filter_form.cleaned_data["state"] if filter_form.is_valid() else ""
    applications = selectors.application_list(actor=request.user, state=state)
    context = {
        "nav_active": "applications",
        "filter_form": with_form_controls(filter_form),
        "is_filtered": bool(state),
        "can_apply": _can_apply(request.user),
        **paginate(request, applications),
    }
    return render_list(
        request,
        "approvals/portal_application_list.html",
        "approvals/_portal_application_results.html",
        context,
    )


# ---- detail -------------------------------------------------------------------------------


def _answers(application) -> list[dict]:
    rows = []
    for item in services.journey_form(application.journey):
        value = application.form_data.get(item.name)
        if item.type == FieldType.BOOLEAN and isinstance(value, bool):
            value = _("Yes") if value else _("No")
        rows.append({"label": item.label, "value": value, "name": item.name})
    return rows


def _deadline(case, now) -> dict:
    """What the page says about an item's time: paused, decided, or its stored due time with a
    traffic light (the share of time left since receipt or acceptance)."""
    if case.state == ItemCaseState.IN_CORRECTION:
        return {"paused": _("Clock paused (waiting for corrections)")}
    if case.state == ItemCaseState.IN_SPECIAL_PROCEDURE:
        return {"paused": _("Clock paused (special procedure)")}
    if case.state in DECIDED_STATES or case.due_at is None:
        return {"decided_at": case.decided_at}
    total = (case.due_at - (case.accepted_at or case.received_at)).total_seconds()
    left = (case.due_at - now).total_seconds()
    if case.is_overdue or left < 0:
        light = TrafficLight.RED
    elif total > 0 and left / total <= AMBER_REMAINING_SHARE:
        light = TrafficLight.AMBER
    else:
        light = TrafficLight.GREEN
    return {"due_at": case.due_at, "light": light.label, "light_css": LIGHT_CSS[light]}


def _grouped(rows, key: str) -> dict:
    grouped = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


def _labelled(events):
    """Each timeline event with its words: the action, and the state it led to."""
    for event in events:
        if event.action in ItemAction.values:
            action = ItemAction(event.action).label
            if event.to_state in ItemCaseState.values and event.to_state != event.from_state:
                action = f"{action} → {ItemCaseState(event.to_state).label}"
        else:
            action = _("Comment") if event.action == "comment" else event.action
        event.label = action
        yield event


def _case_rows(request, application, is_applicant: bool, case_forms: dict) -> list[dict]:
    cases = list(application.item_cases.all())
    events = _grouped(
        _labelled(
            CaseEvent.objects.filter(item_case__application=application).select_related("actor")
        ),
        "item_case_id",
    )
    documents = _grouped(
        Document.objects.filter(item_case__application=application).defer("content"),
        "item_case_id",
    )
    ratings = {r.item_case_id: r for r in Rating.objects.filter(item_case__in=cases)}
    correcting = [c for c in cases if c.state == ItemCaseState.IN_CORRECTION]
    materials = _grouped(
        SpecMaterial.objects.filter(spec_id__in={c.journey_item.spec_id for c in correcting}),
        "spec_id",
    )
    now = clock.now()
    rows = {}
    for case in cases:
        row = {
            "case": case,
            "deadline": _deadline(case, now),
            "events": events.get(case.pk, []),
            "documents": documents.get(case.pk, []),
            "rating": ratings.get(case.pk),
        }
        if is_applicant and case in correcting:
            row["correction_form"] = case_forms.get(("correction", case.pk)) or CorrectionForm(
                materials=materials.get(case.journey_item.spec_id, [])
            )
            with_form_controls(row["correction_form"])
        if is_applicant and case.state in RATEABLE_STATES and case.pk not in ratings:
            row["rating_form"] = case_forms.get(("rating", case.pk)) or RatingForm(
                auto_id=f"id_case{case.pk}_%s"
            )
        rows[case.journey_item_id] = rows.get(case.journey_item_id, []) + [row]
    return rows


def _stages(application, case_rows: dict) -> list[dict]:
    stages = []
    for stage in application.journey.stages.prefetch_related("items__spec__matter", "lead_body"):
        items = [{"item": item, "cases": case_rows.get(item.pk, [])} for item in stage.items.all()]
        stages.append(
            {
                "stage": stage,
                "items": items,
                "is_current": stage.order == application.current_stage,
            }
        )
    return stages


def _material_rows(request, application, errors: dict) -> list[dict]:
    """Each material the journey asks for, with the file attached now and an earlier upload of
    the same enterprise (or founder) that can be used again."""
    attached = {m.code: m for m in application.materials.all()}
    reusable = reusable_materials(actor=request.user, application=application)
    rows = []
    for material in spec_materials_of(application):
        current = attached.get(material.code)
        earlier = reusable.get(material.code)
        rows.append(
            {
                "material": material,
                "attached": current,
                "reusable": earlier if earlier and earlier != current else None,
                "errors": errors.get(material.code, []),
                "upload_form": MaterialUploadForm(initial={"code": material.code}),
            }
        )
    return rows


def _page_context(request, application, *, material_errors=None, case_forms=None) -> dict:
    is_applicant = is_applicant_side(request.user, application)
    can_attach = is_applicant and application.state in WITHDRAWABLE_STATES
    case_rows = _case_rows(request, application, is_applicant, case_forms or {})
    return {
        "nav_active": "applications",
        "application": application,
        "is_applicant": is_applicant,
        "answers": _answers(application),
        "stages": _stages(application, case_rows),
        "materials": _material_rows(request, application, material_errors or {})
        if can_attach
        else [],
        "can_attach": can_attach,
        "can_edit": is_applicant and application.state == ApplicationState.DRAFT,
        "can_withdraw": is_applicant and application.state in WITHDRAWABLE_STATES,
        "clocks": selectors.application_clocks(application=application),
    }


def _detail_page(request, application, *, status=200, **extra):
    context = _page_context(request, application, **extra)
    return render(request, "approvals/portal_application_detail.html", context, status=status)


@login_required
def application_detail(request, pk: int):
    application = selectors.application_get(actor=request.user, pk=pk)
    return _detail_page(request, application)


# ---- draft: edit and submit ---------------------------------------------------------------


def _material_errors(error: ValidationError) -> dict:
    """`materials.<code>` errors of a submission, by material code."""
    found = {}
    for key, errors in getattr(error, "error_dict", {}).items():
        if key.startswith("materials."):
            found[key.removeprefix("materials.")] = [m for e in errors for m in e.messages]
    return found


def _draft_form(request, application, data=None) -> ApplicationForm:
    return ApplicationForm(
        data, answers=services.journey_form(application.journey), saved=application.form_data
    )


def _edit_page(request, application, form, *, status=200, material_errors=None):
    context = {
        **_page_context(request, application, material_errors=material_errors),
        "form": with_form_controls(form),
    }
    return render(request, "approvals/portal_application_edit.html", context, status=status)


def _applicant_application(request, pk: int):
    application = selectors.application_get(actor=request.user, pk=pk)
    require(is_applicant_side(request.user, application), _("Only the applicant may do this."))
    return application


@login_required
def application_edit(request, pk: int):
    application = _applicant_application(request, pk)
    if application.state != ApplicationState.DRAFT:
        messages.error(request, _("Only a draft can be changed."))
        return redirect(_detail_url(application))
    form = _draft_form(request, application, request.POST or None)
    if request.method != "POST":
        return _edit_page(request, application, form)
    material_errors = {}
    if form.is_valid():
        try:
            application = services.application_update_draft(
                actor=request.user, application=application, form=form.answer_data()
            )
            if request.POST.get("action") == "submit":
                application = services.application_submit(
                    actor=request.user, application=application
                )
        except ValidationError as error:
            add_service_errors(form, _without_materials(error), renamed=form.error_names())
            material_errors = _material_errors(error)
        except ConflictError as error:
            messages.error(request, error_text(error))
            return redirect(_detail_url(application))
        else:
            return _saved(request, application)
    application.refresh_from_db()
    return _edit_page(request, application, form, status=422, material_errors=material_errors)


def _without_materials(error: ValidationError) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    rest = {k: v for k, v in error.error_dict.items() if not k.startswith("materials.")}
    return ValidationError(rest) if rest else ValidationError({})


@login_required
@require_POST
def application_submit(request, pk: int):
    application = _applicant_application(request, pk)
    try:
        application = services.application_submit(actor=request.user, application=application)
    except ConflictError as error:
        messages.error(request, error_text(error))
        return _detail_page(request, application, status=409)
    except ValidationError as error:
        form = _draft_form(request, application)
        add_service_errors(form, _without_materials(error), renamed=form.error_names())
        return _edit_page(
            request, application, form, status=422, material_errors=_material_errors(error)
        )
    return _saved(request, application)


@login_required
@require_POST
def application_withdraw(request, pk: int):
    application = _applicant_application(request, pk)
    try:
        application = services.application_withdraw(actor=request.user, application=application)
    except ConflictError as error:
        messages.error(request, error_text(error))
        return _detail_page(request, application, status=409)
    messages.success(request, _("The application is withdrawn."))
    return redirect(_detail_url(application))


# ---- materials ----------------------------------------------------------------------------


def _back_page(request, application, *, status, material_errors):
    """Where a material form came from: the draft's edit page, or the detail page."""
    if application.state == ApplicationState.DRAFT:
        return _edit_page(
            request,
            application,
            _draft_form(request, application),
            status=status,
            material_errors=material_errors,
        )
    return _detail_page(request, application, status=status, material_errors=material_errors)


def _back_url(application) -> str:
    if application.state == ApplicationState.DRAFT:
        return reverse("approvals:application_edit", args=[application.pk])
    return _detail_url(application)


@login_required
@require_POST
def material_upload(request, pk: int):
    application = _applicant_application(request, pk)
    code = request.POST.get("code", "")
    try:
        if "material" in request.POST:
            _reuse(request, application)
        else:
            form = MaterialUploadForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ValidationError({"file": [m for e in form.errors.values() for m in e]})
            services.material_upload(
                actor=request.user,
                application=application,
                code=form.cleaned_data["code"],
                uploaded=form.cleaned_data["file"],
            )
    except ValidationError as error:
        if code not in {m.code for m in spec_materials_of(application)}:
            # No row on the page to show it next to: say it at the top.
            messages.error(request, error_text(error))
        errors = {code: error.messages}
        return _back_page(request, application, status=422, material_errors=errors)
    except ConflictError as error:
        messages.error(request, error_text(error))
        return _back_page(request, application, status=409, material_errors={})
    messages.success(request, _("The material is attached."))
    return redirect(_back_url(application))


def _reuse(request, application) -> None:
    form = MaterialReuseForm(request.POST)
    offered = reusable_materials(actor=request.user, application=application).values()
    chosen = form.is_valid() and next(
        (m for m in offered if m.pk == form.cleaned_data["material"]), None
    )
    if not chosen:
        raise ValidationError(_("This file is not one of your latest uploads."))
    services.material_reuse(actor=request.user, application=application, material=chosen)


# ---- item cases: corrections and ratings --------------------------------------------------


def _case_page(request, case, key: str, form, status: int):
    application = selectors.application_get(actor=request.user, pk=case.application_id)
    return _detail_page(request, application, status=status, case_forms={(key, case.pk): form})


@login_required
@require_POST
def correction_supply(request, pk: int):
    case = selectors.case_get(actor=request.user, pk=pk)
    form = CorrectionForm(
        request.POST, request.FILES, materials=case.journey_item.spec.materials.all()
    )
    if not form.is_valid():
        return _case_page(request, case, "correction", form, 422)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            if data["file"]:
                services.material_upload(
                    actor=request.user,
                    application=case.application,
                    code=data["code"],
                    uploaded=data["file"],
                )
            services.item_case_act(
                actor=request.user,
                item_case=case,
                action=ItemAction.SUPPLY_CORRECTION,
                reason=data["note"],
            )
    except ValidationError as error:
        add_service_errors(form, error, renamed={"reason": "note"})
        return _case_page(request, case, "correction", form, 422)
    except ConflictError as error:
        messages.error(request, error_text(error))
        return _case_page(request, case, "correction", form, 409)
    messages.success(request, _("The corrections are sent; the clock runs again."))
    return redirect(_detail_url(case.application))


@login_required
@require_POST
def case_rate(request, pk: int):
    case = selectors.case_get(actor=request.user, pk=pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, "rating", form, 422)
    try:
        rating_submit(
            actor=request.user,
            item_case=case,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return _case_page(request, case, "rating", form, 422)
    except ConflictError as error:
        messages.error(request, error_text(error))
        return redirect(_detail_url(case.application))
    messages.success(request, _("Thank you for your rating."))
    return redirect(_detail_url(case.application))


# ---- documents ----------------------------------------------------------------------------


@login_required
def document_download(request, pk: int):
    document = get_object_or_404(Document.objects.only("pk", "number", "item_case_id"), pk=pk)
    selectors.case_get(actor=request.user, pk=document.item_case_id)  # 404 unless visible
    content = Document.objects.values_list("content", flat=True).get(pk=pk)
    response = HttpResponse(bytes(content), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{document.number}.pdf"
    )
    return response
