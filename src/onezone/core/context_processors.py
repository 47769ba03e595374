"""Template context for the UI shell: navigation by role, unread and open counts."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from onezone.core.access import is_administrator, is_staff_member, role_names
from onezone.core.choices import Role
from onezone.core.models import Notification, SiteFlag, Todo


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
    if roles & {Role.ZONE_OFFICER, Role.ADMINISTRATOR}:
        items.append(
            {
                "label": _("Account bindings"),
                "url": reverse("enterprises:membership_list"),
                "key": "memberships",
            }
        )
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
    }
