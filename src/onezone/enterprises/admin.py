"""Django admin for enterprises: read-only (writes go through the audited services)."""

from django.contrib import admin

from onezone.core.admin import ReadOnlyAdmin
from onezone.enterprises.models import (
    Enterprise,
    EnterpriseFigure,
    EnterpriseImport,
    EnterpriseMembership,
    ServiceAssignment,
    ServiceDesignation,
    Tag,
    Visit,
)


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ("uscc", "name", "zone", "industry_code", "size_class", "development_stage")
    list_filter = ("zone", "size_class", "development_stage")
    search_fields = ("uscc", "name")


@admin.register(EnterpriseFigure)
class EnterpriseFigureAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "year", "name", "value", "source", "as_of")
    list_filter = ("name", "source", "year")


@admin.register(EnterpriseMembership)
class EnterpriseMembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "enterprise_name", "uscc", "zone", "status", "requested_at")
    list_filter = ("status",)


@admin.register(Tag)
class TagAdmin(ReadOnlyAdmin):
    list_display = ("code", "label_zh", "label_en", "sort_order")


@admin.register(ServiceDesignation)
class ServiceDesignationAdmin(ReadOnlyAdmin):
    list_display = ("post", "role", "zone", "created_at")
    list_filter = ("role", "zone")


@admin.register(ServiceAssignment)
class ServiceAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "role", "post", "start_on", "end_on")
    list_filter = ("role",)


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "visited_on", "mode", "visitor")
    list_filter = ("mode",)


@admin.register(EnterpriseImport)
class EnterpriseImportAdmin(ReadOnlyAdmin):
    list_display = ("file_name", "created_by", "created_at", "status", "total_rows")
    exclude = ("content",)
