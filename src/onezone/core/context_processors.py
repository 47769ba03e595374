"""Template context for the UI shell: navigation by role, unread and open counts."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from onezone.core import clock
from onezone.core.access import is_administrator, is_staff_member, role_names
from onezone.core.choices import Role
from onezone.core.models import CalendarYearConfirmation, Notification, SiteFlag, Todo
from onezone.core.workcal import package_covers


def _navigation(user) -> list[dict]:
    roles = role_names(user)
    items = [{"label": _("Home"), "url": reverse("home"), "key": "home"}]
    if user.is_authenticated:
        items.append({"label": _("Zones"), "url": reverse("org:zone_list"), "key": "zones"})
        items.append({"label": _("Bodies"), "url": reverse("org:body_list"), "key": "bodies"})
        items.append(
            {"label": _("Who handles it"), "url": reverse("register:lookup"), "key": "register"}
        )
    if is_staff_member(user):
        items.append({"label": _("People"), "url": reverse("org:person_list"), "key": "people"})
        items.append(
            {
                "label": _("Enterprises"),
                "url": reverse("enterprises:enterprise_list"),
                "key": "enterprises",
            }
        )
    if roles & {Role.ENTERPRISE}:
        items.append(
            {
                "label": _("My enterprise"),
                "url": reverse("enterprises:my_enterprise"),
                "key": "my_enterprise",
            }
        )
    if roles & {Role.ENTERPRISE, Role.FOUNDER}:
        items.append(
            {
                "label": _("Get things done"),
                "url": reverse("approvals:journey_list"),
                "key": "journeys",
            }
        )
        items.append(
            {
                "label": _("My applications"),
                "url": reverse("approvals:application_list"),
                "key": "applications",
            }
        )
    if roles & {Role.LIAISON, Role.CHIEF_REPRESENTATIVE}:
        items.append(
            {
                "label": _("My portfolio"),
                "url": reverse("enterprises:portfolio"),
                "key": "portfolio",
            }
        )
    if roles & {Role.ZONE_OFFICER, Role.ADMINISTRATOR, Role.LEADER}:
        items.append(
            {
                "label": _("One-to-one service"),
                "url": reverse("enterprises:service_overview"),
                "key": "service",
            }
        )
    if roles & {Role.ZONE_OFFICER, Role.ADMINISTRATOR}:
        items.append(
            {
                "label": _("Account bindings"),
                "url": reverse("enterprises:membership_list"),
                "key": "memberships",
            }
        )
    if roles & {Role.ZONE_OFFICER, Role.BUREAU_OFFICER, Role.ADMINISTRATOR}:
        items.append(
            {
                "label": _("Approval workbench"),
                "url": reverse("approvals:workbench"),
                "key": "workbench",
            }
        )
    if is_staff_member(user):
        items.append(
            {
                "label": _("Service catalogue"),
                "url": reverse("approvals:spec_list"),
                "key": "catalogue",
            }
        )
    if roles & {Role.ZONE_OFFICER, Role.ADMINISTRATOR, Role.LEADER}:
        items.append(
            {
                "label": _("Approval outcomes"),
                "url": reverse("approvals:outcomes"),
                "key": "outcomes",
            }
        )
    items.extend(_demand_items(user, roles))
    items.extend(_policy_items(user, roles))
    if is_administrator(user):
        items.append(
            {"label": _("Users and roles"), "url": reverse("org:user_list"), "key": "users"}
        )
        items.append({"label": _("Audit trail"), "url": reverse("audit_log"), "key": "audit"})
        items.append(
            {
                "label": _("Working-day calendar"),
                "url": reverse("calendar_today"),
                "key": "calendar",
            }
        )
    return items


def _item(label, url_name: str, key: str) -> dict:
    return {"label": label, "url": reverse(url_name), "key": key}


def _demand_items(user, roles) -> list[dict]:
    items = []
    if is_staff_member(user):
        items.append(_item(_("Demands"), "demands:demand_list", "demands"))
    elif roles & {Role.ENTERPRISE}:
        items.append(_item(_("My demands"), "demands:demand_list", "demands"))
    if roles & {Role.HOTLINE_OPERATOR, Role.ZONE_OFFICER, Role.ADMINISTRATOR}:
        items.append(_item(_("Hotline console"), "demands:hotline", "hotline"))
    if is_staff_member(user):
        items.append(_item(_("Coffee Time"), "demands:coffee_list", "coffee"))
    elif roles & {Role.ENTERPRISE}:
        items.append(_item(_("Coffee Time"), "demands:coffee_portal", "coffee"))
    if user.is_authenticated:
        items.append(_item(_("Happiness Center"), "demands:happiness_catalogue", "happiness"))
    if roles & {Role.LEADER, Role.ZONE_OFFICER, Role.HOTLINE_OPERATOR, Role.ADMINISTRATOR}:
        items.append(_item(_("Demand KPIs"), "demands:kpis", "demand_kpis"))
    return items


def _policy_items(user, roles) -> list[dict]:
    items = []
    if user.is_authenticated:
        items.append(_item(_("Policy library"), "policies:library", "policies"))
    if roles & {Role.ENTERPRISE}:
        items.append(_item(_("My policies"), "policies:my_policies", "my_policies"))
    if roles & {Role.ENTERPRISE, Role.ZONE_OFFICER, Role.BUREAU_OFFICER, Role.ADMINISTRATOR}:
        items.append(_item(_("Policy applications"), "policies:application_list", "policy_apps"))
    return items


def _unconfirmed_calendar_years() -> list[int]:
    """This year and next, where the holiday package has no schedule and no administrator has
    confirmed the calendar yet: deadlines there count weekends only."""
    this_year = clock.today().year
    uncovered = [year for year in (this_year, this_year + 1) if not package_covers(year)]
    if not uncovered:
        return []
    confirmed = set(
        CalendarYearConfirmation.objects.filter(year__in=uncovered).values_list("year", flat=True)
    )
    return [year for year in uncovered if year not in confirmed]


def shell(request) -> dict:
    user = getattr(request, "user", None)
    is_demo = SiteFlag.objects.filter(key="synthetic_demo_data").exists()
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "is_demo": is_demo}
    return {
        "is_demo": is_demo,
        "nav_items": _navigation(user),
        "unread_count": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
        "open_todo_count": Todo.objects.filter(assignee=user, done_at__isnull=True).count(),
        "user_role_names": sorted(str(Role(name).label) for name in role_names(user)),
        "unconfirmed_calendar_years": _unconfirmed_calendar_years()
        if is_staff_member(user)
        else [],
    }
