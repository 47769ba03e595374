"""Reads of the core app, scoped to the actor: own inbox and to-dos, the audit trail for
administrators."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from onezone.core.access import is_administrator, require_visible
from onezone.core.models import AuditEvent, Notification, Todo


def notification_list(*, actor, unread_only: bool = False) -> QuerySet[Notification]:
    notifications = Notification.objects.filter(recipient=actor)
    return notifications.filter(read_at__isnull=True) if unread_only else notifications


def notification_get(*, actor, pk: int) -> Notification:
    return get_object_or_404(notification_list(actor=actor), pk=pk)


def todo_list(*, actor, open_only: bool = True) -> QuerySet[Todo]:
    todos = Todo.objects.filter(assignee=actor)
    return todos.filter(done_at__isnull=True) if open_only else todos


def todo_get(*, actor, pk: int) -> Todo:
    return get_object_or_404(todo_list(actor=actor, open_only=False), pk=pk)


def audit_event_list(*, actor, search: str = "") -> QuerySet[AuditEvent]:
    require_visible(is_administrator(actor))
    events = AuditEvent.objects.select_related("actor").order_by("-seq")
    if search:
        events = events.filter(
            Q(action__icontains=search)
            | Q(object_repr__icontains=search)
            | Q(actor_label__icontains=search)
            | Q(object_type__icontains=search)
        )
    return events
