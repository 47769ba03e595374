"""Pages of the UI shell: home, inbox, to-dos, audit trail."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onezone.core import selectors
from onezone.core.audit import audit_verify
from onezone.core.notifications import (
    notification_mark_read,
    notifications_mark_all_read,
    todo_complete,
)
from onezone.core.paging import paginate, render_list


def _home_panels(request) -> list[str]:
    """HTML panels the domain apps contribute (settings.ONEZONE_HOME_PANELS), so core needs
    no import of them."""
    panels = (import_string(path)(request) for path in settings.ONEZONE_HOME_PANELS)
    return [panel for panel in panels if panel]


@login_required
def home(request):
    context = {
        "todos": selectors.todo_list(actor=request.user)[:5],
        "notifications": selectors.notification_list(actor=request.user)[:5],
        "nav_active": "home",
        "panels": _home_panels(request),
    }
    return render(request, "core/home.html", context)


@login_required
def inbox(request):
    items = selectors.notification_list(
        actor=request.user, unread_only=bool(request.GET.get("unread"))
    )
    context = {"nav_active": "inbox", **paginate(request, items)}
    return render_list(request, "core/inbox.html", "core/_inbox_results.html", context)


@login_required
@require_POST
def notification_read(request, pk: int):
    notification = selectors.notification_get(actor=request.user, pk=pk)
    notification_mark_read(notification=notification, actor=request.user)
    return redirect(notification.link or "inbox")


@login_required
@require_POST
def notifications_read_all(request):
    count = notifications_mark_all_read(actor=request.user)
    messages.success(request, _("%(count)d notifications marked read.") % {"count": count})
    return redirect("inbox")


@login_required
def todo_list(request):
    todos = selectors.todo_list(actor=request.user, open_only=not request.GET.get("all"))
    context = {"nav_active": "todos", **paginate(request, todos)}
    return render_list(request, "core/todo_list.html", "core/_todo_results.html", context)


@login_required
@require_POST
def todo_done(request, pk: int):
    todo = selectors.todo_get(actor=request.user, pk=pk)
    todo_complete(todo=todo, actor=request.user)
    messages.success(request, _("To-do done."))
    return redirect("todo_list")


@login_required
def audit_log(request):
    search = request.GET.get("q", "").strip()
    events = selectors.audit_event_list(actor=request.user, search=search)
    context = {"nav_active": "audit", "search": search, **paginate(request, events, 50)}
    if request.GET.get("verify"):
        context["verification"] = audit_verify()
    return render_list(request, "core/audit_log.html", "core/_audit_results.html", context)
