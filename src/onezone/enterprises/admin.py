"""Django admin for enterprises: read-only."""

from django.contrib import admin

from onezone.core.admin import ReadOnlyAdmin
from onezone.enterprises.models import Enterprise, EnterpriseMembership


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ("uscc", "name", "zone")
    search_fields = ("uscc", "name")


@admin.register(EnterpriseMembership)
class EnterpriseMembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "enterprise_name", "uscc", "zone", "status", "requested_at")
    list_filter = ("status",)
