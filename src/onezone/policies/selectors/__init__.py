"""Reads of the policies app, scoped to what the actor may see (404 rather than revealing)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.dateparse import parse_date

from onezone.core import clock
from onezone.core.access import require_visible
from onezone.enterprises.industry import industry_matches
from onezone.enterprises.models import Enterprise
from onezone.policies.access import (
    application_filter_for,
    can_read_matches,
    enterprises_of,
    reads_all_matches,
)
from onezone.policies.choices import (
    ApplicationState,
    MatchStatus,
    PackageKind,
    PolicyClass,
    PolicyMode,
)
from onezone.policies.models import PolicyApplication, PolicyMatch, PolicyPackage, PolicyVersion
from onezone.policies.services.policies import covering, policy_versions_at

POSITIVE_OPS = {"==", "in", "industry_in"}


@dataclass(frozen=True)
class PolicyFilters:
    """Library filters; every one optional. `industry` is a GB/T 4754 code at any level."""

    q: str = ""
    policy_class: str = ""
    mode: str = ""
    industry: str = ""
    size: str = ""
    stage: str = ""
    zone: str = ""
    at: date | None = None

    @classmethod
    def from_query(cls, query) -> "PolicyFilters":
        """From a GET query (request.GET or a dict), ignoring malformed values."""

        def text(name: str) -> str:
            return str(query.get(name, "") or "").strip()

        try:
            at = parse_date(text("at") or text("date")) if (text("at") or text("date")) else None
        except ValueError:
            at = None
        policy_class = text("class") or text("policy_class")
        mode = text("mode")
        return cls(
            q=text("q"),
            policy_class=policy_class if policy_class in PolicyClass.values else "",
            mode=mode if mode in PolicyMode.values else "",
            industry=text("industry").upper(),
            size=text("size") or text("size_class"),
            stage=text("stage") or text("development_stage"),
            zone=text("zone"),
            at=at,
        )


def _conditions(tree, field: str, negated: bool = False):
    """(op, value, negated) of every condition on `field` in a rule tree (raw JSON)."""
    if not isinstance(tree, dict):
        return
    if "field" in tree:
        if tree.get("field") == field:
            yield tree.get("op"), tree.get("value"), negated
        return
    for key in ("all", "any"):
        for part in tree.get(key) or []:
            yield from _conditions(part, field, negated)
    if "not" in tree:
        yield from _conditions(tree["not"], field, not negated)


def _values(value) -> list[str]:
    return [str(item) for item in (value if isinstance(value, list) else [value])]


def _admits(version: PolicyVersion, field: str, wanted: str, matches) -> bool:
    """True when the policy has no positive condition on `field`, or one that admits `wanted`."""
    positive = [
        value
        for op, value, negated in _conditions(version.eligibility, field)
        if op in POSITIVE_OPS and not negated
    ]
    if not positive:
        return True
    return any(matches(wanted, item) for value in positive for item in _values(value))


def _industry_fits(wanted: str, prefix: str) -> bool:
    return industry_matches(wanted, prefix) or industry_matches(prefix, wanted)


def _equal(wanted: str, item: str) -> bool:
    return wanted == item


def _text_matches(version: PolicyVersion, q: str) -> bool:
    text = " ".join(
        [version.policy.code, version.title, version.issuer, version.summary, version.reference]
    ).lower()
    return all(word in text for word in q.lower().split())


def _fits(version: PolicyVersion, filters: PolicyFilters) -> bool:
    checks = [
        not filters.policy_class or version.policy_class == filters.policy_class,
        not filters.mode or version.mode == filters.mode,
        not filters.q or _text_matches(version, filters.q),
        not filters.industry or _admits(version, "industry_code", filters.industry, _industry_fits),
        not filters.size or _admits(version, "size_class", filters.size, _equal),
        not filters.stage or _admits(version, "development_stage", filters.stage, _equal),
        not filters.zone or _admits(version, "zone", filters.zone, _equal),
    ]
    return all(checks)


def policy_library(*, filters: PolicyFilters | None = None) -> list[PolicyVersion]:
    """The versions in force at `filters.at` (default today), one per policy, filtered, by code.

    Filters on industry, size, stage and zone keep the policies whose rules admit the value
    (or say nothing about it). Public: the library is open to every visitor.
    """
    filters = filters or PolicyFilters()
    versions = policy_versions_at(filters.at or clock.today())
    return [version for version in versions if _fits(version, filters)]


def policy_get(*, code: str, at: date | None = None) -> PolicyVersion:
    """The version of `code` in force at `at` (default today), else its newest; 404 if none."""
    versions = PolicyVersion.objects.filter(policy__code=code).select_related("policy")
    version = (
        versions.filter(covering(at or clock.today())).order_by("-number").first()
        or versions.order_by("-number").first()
    )
    if version is None:
        raise Http404
    return version


def policy_versions(*, version: PolicyVersion) -> QuerySet[PolicyVersion]:
    """Every version of the same policy, newest first."""
    return PolicyVersion.objects.filter(policy_id=version.policy_id).order_by("-number")


def enterprise_for_policies(*, actor, uscc: str) -> Enterprise:
    """The enterprise whose matches the actor may read, by USCC; 404 otherwise."""
    enterprise = Enterprise.objects.filter(uscc=(uscc or "").strip().upper()).first()
    require_visible(enterprise is not None and can_read_matches(actor, enterprise))
    return enterprise


def matches_for_enterprise(*, actor, enterprise: Enterprise) -> QuerySet[PolicyMatch]:
    """The enterprise's stored matches: eligible first, then by amount."""
    require_visible(can_read_matches(actor, enterprise))
    return (
        PolicyMatch.objects.filter(enterprise=enterprise)
        .select_related("version__policy")
        .order_by("status", "-amount", "version__policy__code")
    )


def matches_for_version(
    *, actor, version: PolicyVersion, status: str = ""
) -> QuerySet[PolicyMatch]:
    """A policy's stored matches (officers and leaders only)."""
    require_visible(reads_all_matches(actor))
    matches = PolicyMatch.objects.filter(version=version).select_related("enterprise__zone")
    if status in MatchStatus.values:
        matches = matches.filter(status=status)
    return matches.order_by("status", "-amount", "enterprise__name", "enterprise_id")


@dataclass(frozen=True)
class ApplicationFilters:
    state: str = ""
    policy: str = ""
    enterprise: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, query) -> "ApplicationFilters":
        state = str(query.get("state", "") or "").strip()
        return cls(
            state=state if state in ApplicationState.values else "",
            policy=str(query.get("policy", "") or "").strip(),
            enterprise=str(query.get("enterprise", "") or "").strip().upper(),
            q=str(query.get("q", "") or "").strip(),
        )


def application_list(
    *, actor, filters: ApplicationFilters | None = None
) -> QuerySet[PolicyApplication]:
    filters = filters or ApplicationFilters()
    visible = application_filter_for(actor)
    applications = PolicyApplication.objects.all()
    if visible:
        applications = applications.filter(
            pk__in=PolicyApplication.objects.filter(visible).values("pk")
        )
    if filters.state:
        applications = applications.filter(state=filters.state)
    if filters.policy:
        applications = applications.filter(version__policy__code=filters.policy)
    if filters.enterprise:
        applications = applications.filter(enterprise__uscc=filters.enterprise)
    if filters.q:
        applications = applications.filter(
            Q(reference__icontains=filters.q)
            | Q(enterprise__name__icontains=filters.q)
            | Q(version__title__icontains=filters.q)
        )
    return applications.select_related(
        "version__policy", "enterprise", "applicant", "decided_by", "payout_clock"
    ).order_by("-submitted_at", "-id")


def application_get(*, actor, pk: int) -> PolicyApplication:
    application = application_list(actor=actor).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def application_events(*, application: PolicyApplication):
    return application.events.select_related("actor").order_by("at", "id")


def package_list(*, actor) -> QuerySet[PolicyPackage]:
    """Bundles for everyone; a bespoke package (一企一策) only for officers, leaders and the
    users of its own enterprise."""
    packages = PolicyPackage.objects.select_related("enterprise", "agreed_by")
    if reads_all_matches(actor):
        return packages
    own = enterprises_of(actor).values("pk")
    return packages.filter(Q(kind=PackageKind.BUNDLE) | Q(enterprise_id__in=own))
