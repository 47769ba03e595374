"""Django admin: read-only for domain models (writes go through audited services)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from onezone.core.models import (
    ApiToken,
    AuditEvent,
    AuditHead,
    Notification,
    OutboxMessage,
    SchedulerLease,
    SiteFlag,
    Todo,
    User,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse and search only; no add, change or delete from the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class OneZoneUserAdmin(ReadOnlyAdmin, UserAdmin):
    list_display = ("username", "full_name", "email", "is_active", "is_superuser", "last_login")
    search_fields = ("username", "full_name", "email")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("seq", "occurred_at", "actor_label", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("action", "object_repr", "actor_label")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "title", "created_at", "read_at")


@admin.register(Todo)
class TodoAdmin(ReadOnlyAdmin):
    list_display = ("assignee", "title", "due_at", "done_at")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("channel", "recipient", "subject", "status", "attempts", "created_at")
    list_filter = ("channel", "status")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("prefix", "user", "created_at", "last_used_at", "revoked_at")
    exclude = ("key_digest",)


for model in (AuditHead, SchedulerLease, SiteFlag):
    admin.site.register(model, ReadOnlyAdmin)
