"""Policy packages: bundles (组合包) and bespoke packages for major projects (一企一策)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from onezone.core import clock
from onezone.core.access import require
from onezone.core.audit import audit_record
from onezone.policies.access import can_manage_policies
from onezone.policies.choices import PackageKind
from onezone.policies.models import Policy, PolicyPackage

PACKAGE_FIELDS = ("title", "kind", "description", "negotiated_terms", "agreed_on")


def _error(field: str, message: str, code: str) -> dict:
    return {field: ValidationError(message, code=code)}


def _clean(*, code, title, kind, policy_codes, enterprise, negotiated_terms, agreed_by, agreed_on):
    errors: dict = {}
    if code is not None and (not code or slugify(code) != code.lower() or len(code) > 60):
        errors |= _error("code", _("Use letters, digits, - and _ only."), "invalid")
    if not (title or "").strip():
        errors |= _error("title", _("Give the package a title."), "required")
    if kind not in PackageKind.values:
        errors |= _error("kind", _("Unknown package kind."), "invalid_choice")
    codes = sorted({str(item).strip() for item in policy_codes or [] if str(item).strip()})
    policies = list(Policy.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {policy.code for policy in policies})
    if unknown:
        message = _("Unknown policy: %(codes)s.") % {"codes": ", ".join(unknown)}
        errors |= _error("policy_codes", message, "unknown")
    if kind == PackageKind.BESPOKE:
        if enterprise is None:
            errors |= _error(
                "enterprise", _("A bespoke package is for one enterprise."), "required"
            )
        if not (negotiated_terms or "").strip():
            errors |= _error("negotiated_terms", _("Write the negotiated terms."), "required")
        if agreed_by is None or agreed_on is None:
            errors |= _error(
                "agreed_by", _("Say who agreed the terms and on which day."), "required"
            )
    elif kind == PackageKind.BUNDLE and enterprise is not None:
        errors |= _error("enterprise", _("A bundle is for every enterprise."), "not_allowed")
    if errors:
        raise ValidationError(errors)
    return policies


def _snapshot(package: PolicyPackage, policies) -> dict:
    return {
        "code": package.code,
        "title": package.title,
        "kind": package.kind,
        "description": package.description,
        "policies": sorted(policy.code for policy in policies),
        "enterprise": package.enterprise.uscc if package.enterprise_id else None,
        "negotiated_terms": package.negotiated_terms,
        "agreed_by": package.agreed_by.username if package.agreed_by_id else None,
        "agreed_on": package.agreed_on,
    }


def package_create(
    *,
    actor,
    code: str,
    title: str,
    kind: str,
    description: str = "",
    policy_codes=(),
    enterprise=None,
    negotiated_terms: str = "",
    agreed_by=None,
    agreed_on=None,
) -> PolicyPackage:
    require(can_manage_policies(actor), _("Only policy officers may put packages together."))
    policies = _clean(
        code=code,
        title=title,
        kind=kind,
        policy_codes=policy_codes,
        enterprise=enterprise,
        negotiated_terms=negotiated_terms,
        agreed_by=agreed_by,
        agreed_on=agreed_on,
    )
    package = PolicyPackage(
        code=code,
        title=title.strip(),
        kind=kind,
        description=description,
        enterprise=enterprise,
        negotiated_terms=negotiated_terms.strip(),
        agreed_by=agreed_by,
        agreed_on=agreed_on,
        created_by=actor,
        created_at=clock.now(),
    )
    try:
        with transaction.atomic():
            package.save()
            package.policies.set(policies)
            audit_record(
                actor=actor,
                action="policy_package.create",
                obj=package,
                after=_snapshot(package, policies),
            )
    except IntegrityError:
        raise ValidationError(
            _error("code", _("A package with this code exists."), "duplicate")
        ) from None
    return package


def package_update(
    *,
    actor,
    package: PolicyPackage,
    title: str,
    kind: str,
    description: str = "",
    policy_codes=(),
    enterprise=None,
    negotiated_terms: str = "",
    agreed_by=None,
    agreed_on=None,
) -> PolicyPackage:
    require(can_manage_policies(actor), _("Only policy officers may change packages."))
    policies = _clean(
        code=None,
        title=title,
        kind=kind,
        policy_codes=policy_codes,
        enterprise=enterprise,
        negotiated_terms=negotiated_terms,
        agreed_by=agreed_by,
        agreed_on=agreed_on,
    )
    with transaction.atomic():
        package = PolicyPackage.objects.select_for_update().get(pk=package.pk)
        before = _snapshot(package, package.policies.all())
        package.title = title.strip()
        package.kind = kind
        package.description = description
        package.enterprise = enterprise
        package.negotiated_terms = negotiated_terms.strip()
        package.agreed_by = agreed_by
        package.agreed_on = agreed_on
        package.save()
        package.policies.set(policies)
        audit_record(
            actor=actor,
            action="policy_package.update",
            obj=package,
            before=before,
            after=_snapshot(package, policies),
        )
    return package
