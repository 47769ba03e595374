"""Happiness Center pages (企业幸福中心): the catalogue, the request form (enterprise users for
their enterprises, staff on an enterprise's behalf) and the administrators' maintenance."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onezone.core.access import is_staff_member
from onezone.core.choices import TimeUnit
from onezone.core.errors import ConflictError
from onezone.core.forms import add_service_errors, error_text, with_form_controls
from onezone.demands.models import DemandCategory
from onezone.demands.selectors import happiness as selectors
from onezone.demands.services import happiness as services
from onezone.enterprises.selectors import confirmed_enterprises_of, enterprise_list
from onezone.org.models import Unit

NAV = "happiness"


def _require_maintainer(user) -> None:
    if not selectors.can_maintain_catalogue(user):
        raise Http404


# ---- forms --------------------------------------------------------------------------------


class RequestForm(forms.Form):
    enterprise = forms.ModelChoiceField(
        label=gettext_lazy("Enterprise"), queryset=None, required=False
    )
    uscc = forms.CharField(
        label=gettext_lazy("Unified social credit code"), max_length=18, required=False
    )
    title = forms.CharField(label=gettext_lazy("Subject"), max_length=200, required=False)
    description = forms.CharField(
        label=gettext_lazy("What do you need?"), max_length=5000, widget=forms.Textarea
    )
    caller_name = forms.CharField(label=gettext_lazy("Contact"), max_length=50, required=False)
    caller_phone = forms.CharField(
        label=gettext_lazy("Contact phone"), max_length=20, required=False
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.is_staff = is_staff_member(actor)
        if self.is_staff:
            del self.fields["enterprise"]
            self.fields["uscc"].required = True
        else:
            del self.fields["uscc"]
            self.fields["enterprise"].queryset = confirmed_enterprises_of(user=actor)
            self.fields["enterprise"].required = True
            self.fields["enterprise"].empty_label = None

    def clean_uscc(self):
        code = self.cleaned_data["uscc"].strip().upper()
        enterprise = enterprise_list(actor=self.actor).filter(uscc=code).first()
        if enterprise is None:
            raise ValidationError(_("No enterprise you can see has this code."), code="unknown")
        self.cleaned_data["enterprise"] = enterprise
        return code

    def request_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("uscc", None)
        return data


class ServiceForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=40)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    description = forms.CharField(
        label=gettext_lazy("Description"), widget=forms.Textarea({"rows": 3}), required=False
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("Demand category"), queryset=DemandCategory.objects.all()
    )
    provider_unit = forms.ModelChoiceField(
        label=gettext_lazy("Provider unit"),
        queryset=Unit.objects.select_related("body").order_by("body__name", "name"),
    )
    limit_amount = forms.IntegerField(label=gettext_lazy("Time limit"), min_value=1)
    limit_unit = forms.ChoiceField(label=gettext_lazy("Unit"), choices=TimeUnit.choices)
    sort_order = forms.IntegerField(label=gettext_lazy("Order"), min_value=0, initial=0)
    is_active = forms.BooleanField(label=gettext_lazy("Offered"), required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider_unit"].label_from_instance = lambda u: f"{u.body.name} · {u.name}"
        if editing:
            del self.fields["code"]


# ---- pages --------------------------------------------------------------------------------


@login_required
def happiness_catalogue(request):
    maintainer = selectors.can_maintain_catalogue(request.user)
    context = {
        "nav_active": NAV,
        "services": list(selectors.happiness_catalogue(include_inactive=maintainer)),
        "may_request": selectors.can_request_happiness(request.user),
        "may_maintain": maintainer,
    }
    return render(request, "demands/happiness_catalogue.html", context)


@login_required
def happiness_request_new(request, code: str):
    if not selectors.can_request_happiness(request.user):
        raise PermissionDenied
    service = selectors.happiness_service_get(actor=request.user, code=code)
    form = RequestForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            demand = services.happiness_request(
                actor=request.user, service=service, **form.request_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except ConflictError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Your request %(reference)s was sent to %(unit)s.")
                % {"reference": demand.reference, "unit": service.provider_unit.name},
            )
            return redirect("demands:demand_detail", pk=demand.pk)
    context = {"nav_active": NAV, "service": service, "form": with_form_controls(form)}
    return render(request, "demands/happiness_request.html", context)


def _service_page(request, form, save, *, title: str):
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except ConflictError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The catalogue is saved."))
            return redirect("demands:happiness_catalogue")
    context = {
        "nav_active": NAV,
        "form": with_form_controls(form),
        "title": title,
        "cancel_url": reverse("demands:happiness_catalogue"),
    }
    return render(request, "demands/happiness_service_form.html", context)


@login_required
def happiness_service_create(request):
    _require_maintainer(request.user)
    form = ServiceForm(request.POST or None)

    def save(data):
        return services.happiness_service_create(actor=request.user, **data)

    return _service_page(request, form, save, title=_("New Happiness Center service"))


SERVICE_INITIAL_FIELDS = (
    "name",
    "description",
    "category",
    "provider_unit",
    "limit_amount",
    "limit_unit",
    "sort_order",
    "is_active",
)


@login_required
def happiness_service_edit(request, code: str):
    _require_maintainer(request.user)
    service = selectors.happiness_service_get(actor=request.user, code=code, include_inactive=True)
    initial = {name: getattr(service, name) for name in SERVICE_INITIAL_FIELDS}
    form = ServiceForm(request.POST or None, initial=initial, editing=True)

    def save(data):
        return services.happiness_service_update(actor=request.user, service=service, **data)

    return _service_page(request, form, save, title=_("Edit %(name)s") % {"name": service.name})


@login_required
@require_POST
def happiness_service_deactivate(request, code: str):
    _require_maintainer(request.user)
    service = selectors.happiness_service_get(actor=request.user, code=code, include_inactive=True)
    try:
        services.happiness_service_deactivate(actor=request.user, service=service)
    except (ValidationError, ConflictError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("%(name)s is withdrawn.") % {"name": service.name})
    return redirect("demands:happiness_catalogue")


urlpatterns = [
    path("happiness/", happiness_catalogue, name="happiness_catalogue"),
    path("happiness/new/", happiness_service_create, name="happiness_service_create"),
    path("happiness/<slug:code>/request/", happiness_request_new, name="happiness_request"),
    path("happiness/<slug:code>/edit/", happiness_service_edit, name="happiness_service_edit"),
    path(
        "happiness/<slug:code>/withdraw/",
        happiness_service_deactivate,
        name="happiness_service_deactivate",
    ),
]
