"""Django admin for the organisation: read-only; changes go through the org pages."""

from django.contrib import admin

from onezone.core.admin import ReadOnlyAdmin
from onezone.org.models import Body, Person, Post, RoleAssignment, Unit, Zone


@admin.register(Zone)
class ZoneAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "industry_focus")
    search_fields = ("code", "name")


@admin.register(Body)
class BodyAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "zone", "merged_with", "headcount_quota")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("name", "body", "kind", "stationed_in", "front_line")
    list_filter = ("kind", "front_line")
    search_fields = ("name", "body__name")


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("staff_number", "name", "is_synthetic")
    search_fields = ("name", "staff_number")
    # Personal data stays out of the admin; administrators reveal it on the person page.
    exclude = ("phone", "id_number")


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ("person", "unit", "title", "is_leader", "start_on", "end_on")
    list_select_related = ("person", "unit__body")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "scope_kind", "zone", "body", "unit")
    list_filter = ("role", "scope_kind")
