"""Storing policies: a new policy or a new version from a parsed file, and which versions apply
at a date."""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from onezone.core import clock, workcal
from onezone.core.access import require
from onezone.core.audit import audit_record
from onezone.core.notifications import notify
from onezone.enterprises.choices import MembershipStatus
from onezone.enterprises.industry import industry_matches
from onezone.enterprises.models import EnterpriseMembership
from onezone.policies.access import can_manage_policies
from onezone.policies.models import Policy, PolicySubscription, PolicyVersion
from onezone.policies.services.links import page_link

# Listing a published policy should take at most this many working days (issue 7).
LISTING_LIMIT_WORKING_DAYS = 7
# The version columns a policy file sets; two loads with equal values are the same version.
VERSION_FIELDS = (
    "title",
    "issuer",
    "policy_class",
    "mode",
    "reference",
    "summary",
    "office",
    "phone",
    "valid_from",
    "valid_to",
    "published_on",
    "listed_on",
    "payout_limit_working_days",
    "eligibility",
    "amount_formula",
    "amount_unit",
    "fields_read",
    "tests",
)


def _jsonable(value):
    """Dates inside tests/eligibility as ISO text, so stored JSON compares with fresh input."""
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def version_values(spec) -> dict:
    """The PolicyVersion column values a spec gives."""
    fields = set(spec.rule.fields)
    if spec.formula is not None:
        fields |= set(spec.formula.fields)
    return {
        "title": spec.title,
        "issuer": spec.issuer,
        "policy_class": spec.policy_class,
        "mode": spec.mode,
        "reference": spec.reference or "",
        "summary": spec.summary or "",
        "office": spec.office or "",
        "phone": spec.phone or "",
        "valid_from": spec.valid_from,
        "valid_to": spec.valid_to,
        "published_on": spec.published_on,
        "listed_on": spec.listed_on,
        "payout_limit_working_days": spec.payout_limit_working_days,
        "eligibility": _jsonable(spec.eligibility),
        "amount_formula": spec.amount_formula or "",
        "amount_unit": spec.amount_unit or "",
        "fields_read": sorted(fields),
        "tests": _jsonable(list(spec.tests or [])),
    }


def _same(version: PolicyVersion | None, values: dict) -> bool:
    return version is not None and all(
        getattr(version, name) == values[name] for name in VERSION_FIELDS
    )


def _locked_policy(code: str) -> tuple[Policy, bool]:
    policy = Policy.objects.select_for_update().filter(code=code).first()
    if policy is not None:
        return policy, False
    return Policy.objects.create(code=code, created_at=clock.now()), True


def policy_load(*, actor, spec, source: str = "") -> PolicyVersion:
    """Store a parsed policy: a new policy, or a new version when anything changed.

    `actor=None` is the command line (the operator of the server). An identical re-load
    stores nothing and returns the current version.
    """
    if actor is not None:
        require(can_manage_policies(actor), _("Only policy officers may load policies."))
    values = version_values(spec)
    with transaction.atomic():
        policy, is_new = _locked_policy(spec.code)
        current = policy.versions.order_by("-number").first()
        if _same(current, values):
            return current
        version = PolicyVersion.objects.create(
            policy=policy,
            number=(current.number + 1) if current else 1,
            source=source,
            created_by=actor if getattr(actor, "pk", None) else None,
            created_at=clock.now(),
            **values,
        )
        audit_record(
            actor=actor,
            action="policy.load" if is_new else "policy.new_version",
            obj=version,
            before={"number": current.number} if current else None,
            after={"code": policy.code, "number": version.number, **values},
        )
        if is_new:
            _notify_subscribers(version, actor)
        transaction.on_commit(lambda: _rematch_version(version.pk))
    return version


def _rematch_version(version_id: int) -> None:
    from onezone.policies.services.matching import rematch

    rematch(version_ids=[version_id])


# ---- which versions apply ---------------------------------------------------------------------


def covering(at: date) -> Q:
    """Q on PolicyVersion: validity covers `at` (both ends inclusive, open end allowed)."""
    return Q(valid_from__lte=at) & (Q(valid_to__isnull=True) | Q(valid_to__gte=at))


def policy_versions_at(at: date) -> list[PolicyVersion]:
    """For each policy, the newest version whose validity covers `at`, by code."""
    chosen: dict[int, PolicyVersion] = {}
    versions = (
        PolicyVersion.objects.filter(covering(at))
        .select_related("policy")
        .order_by("policy__code", "-number")
    )
    for version in versions:
        chosen.setdefault(version.policy_id, version)
    return list(chosen.values())


def listing_delay_working_days(version: PolicyVersion, calendar=None) -> int | None:
    """Working days from publication to listing (None when either date is unknown). A list
    page passes one `calendar` covering its rows instead of one lookup per row."""
    if not version.published_on or not version.listed_on:
        return None
    if version.listed_on <= version.published_on:
        return 0
    calendar = calendar or workcal.get_calendar(version.published_on.year, version.listed_on.year)
    # Counted like a time limit: the day of publication is day zero.
    days = (version.listed_on - version.published_on).days
    return sum(
        calendar.is_working(version.published_on + timedelta(days=offset))
        for offset in range(1, days + 1)
    )


def is_listing_late(version: PolicyVersion, calendar=None) -> bool:
    delay = listing_delay_working_days(version, calendar)
    return delay is not None and delay > LISTING_LIMIT_WORKING_DAYS


# ---- subscribers ------------------------------------------------------------------------------


def policy_industries(eligibility: dict) -> list[str]:
    """The industry prefixes the rules restrict to (every industry_in value), [] for none."""
    found: list[str] = []
    if not isinstance(eligibility, dict):
        return found
    if eligibility.get("field") == "industry_code" and eligibility.get("op") == "industry_in":
        value = eligibility.get("value")
        return [str(item) for item in (value if isinstance(value, list) else [value])]
    for key in ("all", "any"):
        for part in eligibility.get(key) or []:
            found.extend(policy_industries(part))
    if isinstance(eligibility.get("not"), dict):
        # An excluded industry does not make the policy concern it.
        return found
    return found


def industries_overlap(first: str, second: str) -> bool:
    return industry_matches(first, second) or industry_matches(second, first)


def subscription_concerns(subscription: PolicySubscription, version: PolicyVersion) -> bool:
    """Whether a new policy concerns a subscriber: its class (if any chosen) and one of its
    industries (if any chosen) — a policy without industry rules concerns every industry."""
    if not subscription.classes and not subscription.industries:
        return False
    if subscription.classes and version.policy_class not in subscription.classes:
        return False
    if not subscription.industries:
        return True
    prefixes = policy_industries(version.eligibility)
    return not prefixes or any(
        industries_overlap(wanted, prefix)
        for wanted in subscription.industries
        for prefix in prefixes
    )


def _notify_subscribers(version: PolicyVersion, actor) -> None:
    concerned = [
        subscription.enterprise_id
        for subscription in PolicySubscription.objects.all()
        if subscription_concerns(subscription, version)
    ]
    if not concerned:
        return
    memberships = EnterpriseMembership.objects.filter(
        enterprise_id__in=concerned, status=MembershipStatus.CONFIRMED
    ).select_related("user")
    link = page_link("policies:policy_detail", version.policy.code)
    for membership in memberships:
        notify(
            recipient=membership.user,
            title=_("New policy: %(title)s") % {"title": version.title},
            body=version.summary,
            link=link,
            actor=actor,
        )
