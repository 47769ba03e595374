"""Pages of the enterprise app: sign-up and binding decisions."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onezone.core.errors import ConflictError
from onezone.core.forms import add_service_errors, error_text, with_form_controls
from onezone.core.paging import paginate, render_list
from onezone.enterprises import selectors, services
from onezone.enterprises.choices import MembershipStatus
from onezone.enterprises.forms import EnterpriseSignupForm, FounderSignupForm, RejectForm


def _signup(request, form_class, register, title: str, intro: str):
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "password_again"}
        try:
            result = register(**data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            user = getattr(result, "user", result)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is ready."))
            return redirect("home")
    context = {
        "form": with_form_controls(form),
        "title": title,
        "intro": intro,
        "submit_label": _("Sign up"),
    }
    return render(request, "core/form_page.html", context)


def signup(request):
    return _signup(
        request,
        EnterpriseSignupForm,
        services.enterprise_signup,
        _("Sign up for an enterprise"),
        _(
            "An officer of the enterprise's zone confirms that you act for it; until then your "
            "account sees nothing of the enterprise."
        ),
    )


def founder_signup(request):
    return _signup(
        request,
        FounderSignupForm,
        services.founder_signup,
        _("Sign up as a founder"),
        _("For people starting a business: no unified social credit code needed yet."),
    )


@login_required
def membership_list(request):
    status = request.GET.get("status", MembershipStatus.PENDING)
    if status not in MembershipStatus.values:
        status = MembershipStatus.PENDING
    memberships = selectors.memberships_to_decide(actor=request.user, status=status)
    context = {
        "nav_active": "memberships",
        "status": status,
        "statuses": MembershipStatus.choices,
        "reject_form": with_form_controls(RejectForm()),
        **paginate(request, memberships),
    }
    return render_list(
        request, "enterprises/membership_list.html", "enterprises/_membership_results.html", context
    )


@login_required
@require_POST
def membership_confirm(request, pk: int):
    membership = selectors.membership_get_for_decision(actor=request.user, pk=pk)
    try:
        services.membership_confirm(actor=request.user, membership=membership)
    except (ConflictError, ValidationError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Binding confirmed."))
    return redirect("enterprises:membership_list")


@login_required
@require_POST
def membership_reject(request, pk: int):
    membership = selectors.membership_get_for_decision(actor=request.user, pk=pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for rejecting."))
        return redirect("enterprises:membership_list")
    try:
        services.membership_reject(
            actor=request.user, membership=membership, note=form.cleaned_data["note"]
        )
    except (ConflictError, ValidationError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Binding rejected."))
    return redirect("enterprises:membership_list")
