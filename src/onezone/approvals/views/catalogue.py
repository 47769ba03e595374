"""Pages of the approvals app: the catalogue of service specifications and journeys. Everyone
logged in reads it; administrators edit it (others get 403)."""

import json
import re
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onezone.approvals.choices import FieldType, NationalStage
from onezone.approvals.formspec import spec_fields
from onezone.approvals.models import JourneyItem, ServiceSpec
from onezone.approvals.selectors import catalogue as selectors
from onezone.approvals.services.applications import journey_form
from onezone.approvals.services.catalogue import journey_save, spec_save
from onezone.core.access import is_administrator, require
from onezone.core.choices import TimeUnit
from onezone.core.forms import add_service_errors, with_form_controls
from onezone.core.paging import paginate, render_list
from onezone.org.models import Body, Zone
from onezone.register.routing import routes_for

NAV = "catalogue"
NO_STAGE = "none"


def _require_admin(user) -> None:
    require(is_administrator(user), _("Only an administrator may change the catalogue."))


# ---- forms --------------------------------------------------------------------------------


class SpecFilterForm(forms.Form):
    q = forms.CharField(required=False, label=gettext_lazy("Search"))
    stage = forms.ChoiceField(required=False, label=gettext_lazy("National stage"))
    body = forms.ModelChoiceField(
        queryset=Body.objects.none(),
        required=False,
        label=gettext_lazy("Home body"),
        empty_label=gettext_lazy("All home bodies"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [
            ("", _("All stages")),
            *[(str(value), label) for value, label in NationalStage.choices],
            (NO_STAGE, _("No construction stage")),
        ]
        self.fields["body"].queryset = selectors.spec_home_bodies()
        self.fields["q"].widget.attrs["placeholder"] = _("Matter name or code")


class SpecForm(forms.Form):
    statutory_limit_working_days = forms.IntegerField(
        label=gettext_lazy("Statutory time limit (working days)"), min_value=1, max_value=365
    )
    promised_limit_working_days = forms.DecimalField(
        label=gettext_lazy("Promised time limit (working days)"),
        min_value=Decimal("0.5"),
        max_digits=5,
        decimal_places=1,
        help_text=gettext_lazy("At most the statutory limit; half days allowed."),
    )
    fee_cny = forms.DecimalField(
        label=gettext_lazy("Fee (CNY)"), min_value=0, max_digits=12, decimal_places=2
    )
    national_stage = forms.TypedChoiceField(
        label=gettext_lazy("National stage"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", gettext_lazy("Not a construction item")), *NationalStage.choices],
    )
    result_document = forms.CharField(label=gettext_lazy("Result document"), max_length=100)
    form_fields = forms.CharField(
        label=gettext_lazy("Form fields (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "class": "font-monospace"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form_fields"].help_text = _(
            'A list of {"name", "label", "type", "required", "choices"}; types: %(types)s.'
        ) % {"types": ", ".join(FieldType.values)}

    def clean_form_fields(self):
        text = self.cleaned_data["form_fields"].strip() or "[]"
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValidationError(
                _("This is not valid JSON: %(error)s") % {"error": error.msg}, code="invalid"
            ) from None
        if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
            raise ValidationError(_("Give a list of field objects."), code="invalid")
        try:
            parsed = spec_fields(raw)
        except ValueError:
            raise ValidationError(
                _("Every field needs a name and one of the types: %(types)s.")
                % {"types": ", ".join(FieldType.values)},
                code="invalid",
            ) from None
        names = [item.name for item in parsed]
        if len(set(names)) != len(names):
            raise ValidationError(_("A field name appears twice."), code="duplicate")
        if any(item.type == FieldType.CHOICE and not item.choices for item in parsed):
            raise ValidationError(_("A choice field needs its choices."), code="no_choices")
        return raw

    def clean(self):
        data = super().clean()
        statutory = data.get("statutory_limit_working_days")
        promised = data.get("promised_limit_working_days")
        if statutory is not None and promised is not None and promised > statutory:
            self.add_error(
                "promised_limit_working_days",
                ValidationError(
                    _("The promised limit cannot exceed the statutory limit (%(days)d).")
                    % {"days": statutory},
                    code="over_statutory",
                ),
            )
        return data


class MaterialForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=40)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    is_required = forms.BooleanField(label=gettext_lazy("Required"), required=False)
    accepted_types = forms.RegexField(
        label=gettext_lazy("Accepted file types"),
        max_length=100,
        regex=r"^\s*[a-zA-Z0-9]+(\s*,\s*[a-zA-Z0-9]+)*\s*$",
        error_messages={"invalid": gettext_lazy("File extensions separated by commas.")},
    )
    max_size_mb = forms.IntegerField(
        label=gettext_lazy("Size limit (MB)"), min_value=1, max_value=500
    )
    template = forms.CharField(label=gettext_lazy("Template"), max_length=300, required=False)


class BaseMaterialFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        codes = [
            form.cleaned_data["code"]
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]
        if len(set(codes)) != len(codes):
            raise ValidationError(_("Two materials have the same code."), code="duplicate")

    def materials(self) -> list[dict]:
        return [
            {
                **{key: value for key, value in form.cleaned_data.items() if key != "DELETE"},
                "accepted_types": ",".join(
                    part.strip().lower() for part in form.cleaned_data["accepted_types"].split(",")
                ),
            }
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]


MaterialFormSet = forms.formset_factory(
    MaterialForm, formset=BaseMaterialFormSet, extra=1, can_delete=True, max_num=20
)

STAGE_LINE_HELP = gettext_lazy(
    "One stage per line, in order: stage name | lead body | matter codes separated by spaces. "
    "Mark a code with ? when the item is optional and with * when it is fully online, e.g. "
    "登记 | 区行政审批局 | XS001* XS019?"
)


class JourneyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    needs_enterprise = forms.BooleanField(
        label=gettext_lazy("Needs an existing enterprise"), required=False
    )
    is_active = forms.BooleanField(label=gettext_lazy("Open for applications"), required=False)
    baseline_value = forms.DecimalField(
        label=gettext_lazy("Baseline"), min_value=0, max_digits=8, decimal_places=1
    )
    baseline_unit = forms.ChoiceField(label=gettext_lazy("Baseline unit"), choices=TimeUnit.choices)
    baseline_definition = forms.CharField(
        label=gettext_lazy("Baseline definition"), widget=forms.Textarea(attrs={"rows": 3})
    )
    target_value = forms.DecimalField(
        label=gettext_lazy("Target"), min_value=0, max_digits=8, decimal_places=1
    )
    target_unit = forms.ChoiceField(label=gettext_lazy("Target unit"), choices=TimeUnit.choices)
    target_definition = forms.CharField(
        label=gettext_lazy("Target definition"), widget=forms.Textarea(attrs={"rows": 3})
    )
    stages = forms.CharField(
        label=gettext_lazy("Stages and items"),
        widget=forms.Textarea(attrs={"rows": 6, "class": "font-monospace"}),
        help_text=STAGE_LINE_HELP,
    )

    def clean_stages(self):
        lines = [line.strip() for line in self.cleaned_data["stages"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise ValidationError(_("A journey needs at least one stage."), code="required")
        parsed, problems = [], []
        for number, line in enumerate(lines, start=1):
            stage, problem = _parse_stage_line(number, line)
            if problem:
                problems.append(problem)
            else:
                parsed.append(stage)
        if problems:
            raise ValidationError(problems)
        return parsed


STAGE_NAME_MAX = 100
CODE_PATTERN = re.compile(r"^([A-Za-z0-9_.\-]+?)([?*]*)$")


def _parse_stage_line(number: int, line: str) -> tuple[dict | None, str]:
    parts = [part.strip() for part in line.split("|")]
    if len(parts) != 3 or not all(parts):
        return None, _("Line %(number)d: write stage name | lead body | matter codes.") % {
            "number": number
        }
    name, body_name, codes = parts
    if len(name) > STAGE_NAME_MAX:
        return None, _("Line %(number)d: a stage name has at most %(limit)d characters.") % {
            "number": number,
            "limit": STAGE_NAME_MAX,
        }
    body = Body.objects.filter(Q(name=body_name) | Q(short_name=body_name)).first()
    if body is None:
        return None, _("Line %(number)d: there is no body named %(name)s.") % {
            "number": number,
            "name": body_name,
        }
    items, unknown, seen = [], [], set()
    tokens = [token for token in re.split(r"[\s,，、]+", codes) if token]
    specs = {
        spec.matter.code: spec
        for spec in ServiceSpec.objects.select_related("matter").filter(
            matter__code__in=[
                CODE_PATTERN.match(t).group(1) for t in tokens if CODE_PATTERN.match(t)
            ]
        )
    }
    for token in tokens:
        match = CODE_PATTERN.match(token)
        spec = specs.get(match.group(1)) if match else None
        if spec is None or spec.pk in seen:
            unknown.append(token)
            continue
        seen.add(spec.pk)
        flags = match.group(2)
        items.append(
            {"spec": spec, "is_mandatory": "?" not in flags, "is_fully_online": "*" in flags}
        )
    if unknown or not items:
        return None, _("Line %(number)d: no specified matter, or given twice: %(codes)s.") % {
            "number": number,
            "codes": " ".join(unknown) or "—",
        }
    return {"order": number, "name": name, "lead_body": body, "items": items}, ""


def _stage_lines(journey) -> str:
    lines = []
    for stage in journey.stages.all():
        codes = [
            f"{item.spec.matter.code}{'' if item.is_mandatory else '?'}"
            f"{'*' if item.is_fully_online else ''}"
            for item in stage.items.all()
        ]
        lines.append(f"{stage.name} | {stage.lead_body.name} | {' '.join(codes)}")
    return "\n".join(lines)


def _structure(stages) -> list[tuple]:
    """A comparable shape of stages: what journey_save cannot change once applied for."""
    return [
        (
            stage["order"],
            stage["name"],
            stage["lead_body"].pk,
            [(i["spec"].pk, i["is_mandatory"], i["is_fully_online"]) for i in stage["items"]],
        )
        for stage in stages
    ]


def _current_structure(journey) -> list[tuple]:
    return [
        (
            stage.order,
            stage.name,
            stage.lead_body_id,
            [(i.spec_id, i.is_mandatory, i.is_fully_online) for i in stage.items.all()],
        )
        for stage in journey.stages.all()
    ]


# ---- service specifications ------------------------------------------------------------------


@login_required
def spec_list(request):
    form = SpecFilterForm(request.GET or None)
    search, stage, body = "", "", None
    if form.is_valid():
        search = form.cleaned_data["q"].strip()
        stage, body = form.cleaned_data["stage"], form.cleaned_data["body"]
    specs = selectors.spec_list(search=search, stage=stage, body_id=body.pk if body else None)
    context = {
        "nav_active": NAV,
        "filter_form": with_form_controls(form),
        "can_edit": is_administrator(request.user),
        **paginate(request, specs),
    }
    return render_list(
        request, "approvals/spec_list.html", "approvals/spec_list_results.html", context
    )


@login_required
def spec_detail(request, pk: int):
    spec = selectors.spec_get(pk=pk)
    journeys = (
        JourneyItem.objects.filter(spec=spec)
        .select_related("stage__journey")
        .order_by("stage__journey__code", "stage__order")
    )
    context = {
        "nav_active": NAV,
        "spec": spec,
        "fields": spec_fields(spec.form_fields),
        "journey_items": journeys,
        "can_edit": is_administrator(request.user),
    }
    return render(request, "approvals/spec_detail.html", context)


def _spec_initial(spec) -> dict:
    return {
        "statutory_limit_working_days": spec.statutory_limit_working_days,
        "promised_limit_working_days": spec.promised_limit_working_days,
        "fee_cny": spec.fee_cny,
        "national_stage": spec.national_stage,
        "result_document": spec.result_document,
        "form_fields": json.dumps(spec.form_fields, ensure_ascii=False, indent=2),
    }


def _material_initial(spec) -> list[dict]:
    return [
        {
            "code": m.code,
            "name": m.name,
            "is_required": m.is_required,
            "accepted_types": m.accepted_types,
            "max_size_mb": m.max_size_mb,
            "template": m.template,
        }
        for m in spec.materials.all()
    ]


@login_required
def spec_edit(request, pk: int):
    spec = selectors.spec_get(pk=pk)
    _require_admin(request.user)
    post = request.POST if request.method == "POST" else None
    form = SpecForm(post, initial=_spec_initial(spec))
    formset = MaterialFormSet(post, initial=_material_initial(spec), prefix="materials")
    if post is not None and form.is_valid() and formset.is_valid():
        try:
            spec_save(
                actor=request.user,
                matter=spec.matter,
                data=form.cleaned_data,
                materials=formset.materials(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The service specification is saved."))
            return redirect("approvals:spec_detail", pk=spec.pk)
    for material_form in formset:
        with_form_controls(material_form)
    context = {
        "nav_active": NAV,
        "spec": spec,
        "form": with_form_controls(form),
        "formset": formset,
    }
    return render(request, "approvals/spec_form.html", context)


# ---- journeys ---------------------------------------------------------------------------------


def unit_label(unit: str) -> str:
    return TimeUnit(unit).label if unit in TimeUnit.values else unit


@login_required
def journey_admin_list(request):
    context = {
        "nav_active": NAV,
        "can_edit": is_administrator(request.user),
        **paginate(request, selectors.journey_admin_list()),
    }
    context["rows"] = [
        {
            "journey": journey,
            "item_count": sum(len(stage.items.all()) for stage in journey.stages.all()),
            "baseline_unit": unit_label(journey.baseline_unit),
            "target_unit": unit_label(journey.target_unit),
        }
        for journey in context["page_obj"]
    ]
    return render(request, "approvals/journey_admin_list.html", context)


def _zone_rows(journey, zones) -> list[dict]:
    """Per zone: each stage's lead unit and each item's holder unit there."""
    items = [item for stage in journey.stages.all() for item in stage.items.all()]
    matters = [item.spec.matter for item in items]
    rows = []
    for zone in zones:
        routes = routes_for(matters, zone)
        rows.append(
            {
                "zone": zone,
                "leads": [
                    (stage, selectors.stage_lead_unit(stage, zone))
                    for stage in journey.stages.all()
                ],
                "holders": [(item, routes.get(item.spec.matter_id)) for item in items],
            }
        )
    return rows


@login_required
def journey_detail(request, code: str):
    journey = selectors.journey_get_any(code=code)
    context = {
        "nav_active": NAV,
        "journey": journey,
        "zone_rows": _zone_rows(journey, Zone.objects.order_by("code")),
        "form_fields": journey_form(journey),
        "has_applications": journey.applications.exists(),
        "baseline_unit": unit_label(journey.baseline_unit),
        "target_unit": unit_label(journey.target_unit),
        "can_edit": is_administrator(request.user),
    }
    return render(request, "approvals/journey_detail.html", context)


def _journey_initial(journey) -> dict:
    names = [name for name in JourneyForm.base_fields if name != "stages"]
    return {**{name: getattr(journey, name) for name in names}, "stages": _stage_lines(journey)}


@login_required
def journey_edit(request, code: str):
    journey = selectors.journey_get_any(code=code)
    _require_admin(request.user)
    form = JourneyForm(request.POST or None, initial=_journey_initial(journey))
    has_applications = journey.applications.exists()
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "stages"}
        stages = form.cleaned_data["stages"]
        if has_applications and _structure(stages) != _current_structure(journey):
            form.add_error(
                "stages",
                _(
                    "Applications exist for this journey: its stages and items cannot change. "
                    "Set up a new journey instead."
                ),
            )
        else:
            try:
                journey_save(actor=request.user, data={"code": journey.code, **data}, stages=stages)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The journey is saved."))
                return redirect("approvals:journey_detail", code=journey.code)
    context = {
        "nav_active": NAV,
        "journey": journey,
        "form": with_form_controls(form),
        "has_applications": has_applications,
    }
    return render(request, "approvals/journey_form.html", context)
