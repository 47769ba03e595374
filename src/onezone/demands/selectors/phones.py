"""Who reads callers' phone numbers in full: one rule for the pages, the API and search."""

from onezone.core.access import role_names
from onezone.core.choices import Role
from onezone.core.masking import mask_phone
from onezone.demands import access
from onezone.enterprises.access import portfolio_filter
from onezone.enterprises.choices import MembershipStatus
from onezone.enterprises.models import Enterprise, EnterpriseMembership


def enterprise_ids_served_or_joined(user) -> set[int]:
    """Enterprises the user serves (liaison, chief representative) or acts for."""
    served = Enterprise.objects.filter(portfolio_filter(user)).values_list("pk", flat=True)
    joined = EnterpriseMembership.objects.filter(
        user=user, status=MembershipStatus.CONFIRMED, enterprise__isnull=False
    ).values_list("enterprise_id", flat=True)
    return set(served) | set(joined)


class PhoneReader:
    """Whether the caller sees callers' phone numbers in full, decided with a fixed number of
    queries per request (never one per row).

    Those who call back, coordinate or handle need them: administrators, hotline operators,
    the one who recorded the demand, the receiving unit, the zone's officers, the lead unit,
    the enterprise itself and those who serve it. Others who may read the demand (leaders)
    see them masked.
    """

    def __init__(self, user):
        self.user = user
        self.roles = role_names(user)
        self.everything = bool(self.roles & {Role.ADMINISTRATOR, Role.HOTLINE_OPERATOR})
        self._sets: dict[str, set] = {}

    def _set(self, name: str) -> set:
        if name not in self._sets:
            self._sets[name] = set(getattr(self, f"_{name}")())
        return self._sets[name]

    def _posts(self):
        return access.post_unit_ids(self.user)

    def _zones(self):
        if Role.ZONE_OFFICER not in self.roles:
            return set()
        return access.coordinated_zone_ids(self.user)

    def _handled(self):
        return access.handled_unit_ids(self.user)

    def _enterprises(self):
        return enterprise_ids_served_or_joined(self.user)

    def full(self, demand) -> bool:
        if self.everything or (demand.created_by_id and demand.created_by_id == self.user.pk):
            return True
        return (
            demand.receiving_unit_id in self._set("posts")
            or demand.zone_id in self._set("zones")
            or (demand.lead_unit_id is not None and demand.lead_unit_id in self._set("handled"))
            or (
                demand.enterprise_id is not None
                and demand.enterprise_id in self._set("enterprises")
            )
        )

    def phone(self, demand) -> str:
        value = demand.caller_phone
        return value if not value or self.full(demand) else mask_phone(value)

    def may_search_phones(self) -> bool:
        """Searching by part of a number would reveal masked digits: only those who read every
        number they can see in full may search by phone (administrators, the hotline)."""
        return self.everything
