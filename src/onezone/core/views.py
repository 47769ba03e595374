"""Pages of the UI shell: home, inbox, to-dos, audit trail."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onezone.core.access import is_administrator, require_visible
from onezone.core.audit import audit_verify
from onezone.core.models import AuditEvent, Notification, Todo
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
    todos = Todo.objects.filter(assignee=request.user, done_at__isnull=True)[:5]
    notifications = Notification.objects.filter(recipient=request.user)[:5]
    context = {
        "todos": todos,
        "notifications": notifications,
        "nav_active": "home",
        "panels": _home_panels(request),
    }
    return render(request, "core/home.html", context)


@login_required
def inbox(request):
    items = Notification.objects.filter(recipient=request.user)
    if request.GET.get("unread"):
        items = items.filter(read_at__isnull=True)
    context = {"nav_active": "inbox", **paginate(request, items)}
    return render_list(request, "core/inbox.html", "core/_inbox_results.html", context)


@login_required
@require_POST
def notification_read(request, pk: int):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
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
    todos = Todo.objects.filter(assignee=request.user)
    if not request.GET.get("all"):
        todos = todos.filter(done_at__isnull=True)
    context = {"nav_active": "todos", **paginate(request, todos)}
    return render_list(request, "core/todo_list.html", "core/_todo_results.html", context)


@login_required
@require_POST
def todo_done(request, pk: int):
    todo = get_object_or_404(Todo, pk=pk, assignee=request.user)
    todo_complete(todo=todo, actor=request.user)
    messages.success(request, _("To-do done."))
    return redirect("todo_list")


@login_required
def audit_log(request):
    require_visible(is_administrator(request.user))
    events = AuditEvent.objects.select_related("actor").order_by("-seq")
    search = request.GET.get("q", "").strip()
    if search:
        events = events.filter(
            Q(action__icontains=search)
            | Q(object_repr__icontains=search)
            | Q(actor_label__icontains=search)
            | Q(object_type__icontains=search)
        )
    context = {"nav_active": "audit", "search": search, **paginate(request, events, 50)}
    if request.GET.get("verify"):
        context["verification"] = audit_verify()
    return render_list(request, "core/audit_log.html", "core/_audit_results.html", context)
