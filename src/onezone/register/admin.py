"""Read-only admin for the register: writes go through services so they are audited."""

from django.contrib import admin

from onezone.core.admin import ReadOnlyAdmin
from onezone.register.models import ListEntry, Matter


@admin.register(Matter)
class MatterAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "enterprise_related")
    search_fields = ("code", "name")


@admin.register(ListEntry)
class ListEntryAdmin(ReadOnlyAdmin):
    list_display = ("matter", "list_name", "zone", "mode", "version", "valid_from", "valid_to")
