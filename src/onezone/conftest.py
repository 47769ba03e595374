"""Shared test personas, built through the real services.

Personas: an enterprise user and another enterprise user (each bound to an enterprise in a
different zone), an officer of zone A and of zone B, a bureau officer, a leader, an
administrator, a founder and a user with no role.
"""

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from onezone.core.choices import Role, ScopeKind
from onezone.enterprises import services as enterprise_services
from onezone.org import services as org
from onezone.org.choices import BodyKind, UnitKind

PASSWORD = "Persona-Pass-2026"
# Valid unified social credit codes (checksums verified with python-stdnum).
USCC_A = "91510116MA61XY000Q"
USCC_B = "91510116MA6CK3DX2J"


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
skip_without_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's /usr/bin/chromium"
)


@pytest.fixture
def browser_page():
    """A Playwright page in Debian's Chromium (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()


def browser_login(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{base_url}/")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 (the production hasher) would dominate the suite's run time; tests that are
    about hashing put the configured hashers back themselves."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path_factory):
    """Uploaded materials of a test go to a temporary folder, never to the checkout's var/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


@pytest.fixture(autouse=True)
def reference_data(request):
    """Put back the reference rows data migrations load (enterprise tags) when a transactional
    test before this one flushed the database (live-server tests do), so no test depends on
    the order the suite runs in."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not DB_FIXTURES & set(request.fixturenames):
        return
    from onezone.enterprises.models import Tag
    from onezone.enterprises.tags import tags_load

    transactional = (marker and marker.kwargs.get("transaction")) or (
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    if not Tag.objects.exists():
        tags_load(Tag)


@dataclass
class World:
    zone_a: object
    zone_b: object
    committee_a: object
    lead_a: object
    committee_b: object
    functional: object
    sectoral: object
    admin: object
    leader: object
    officer_a: object
    officer_b: object
    bureau_officer: object
    enterprise_user: object
    other_enterprise_user: object
    founder: object
    nobody: object
    enterprise: object
    other_enterprise: object


def make_user(username: str, **extra):
    return get_user_model().objects.create_user(
        username=username, password=PASSWORD, full_name=extra.pop("full_name", username), **extra
    )


def _enterprise_user(username, uscc, name, zone, officer):
    membership = enterprise_services.enterprise_signup(
        username=username,
        password=PASSWORD,
        full_name=username,
        phone="13800138000",
        uscc=uscc,
        enterprise_name=name,
        zone=zone,
    )
    membership = enterprise_services.membership_confirm(actor=officer, membership=membership)
    return membership.user, membership.enterprise


@pytest.fixture
def world(db) -> World:
    admin = get_user_model().objects.create_superuser(
        username="admin", password=PASSWORD, full_name="Administrator"
    )
    zone_a = org.zone_create(actor=admin, code="chip_valley", name="成都芯谷")
    zone_b = org.zone_create(actor=admin, code="aviation", name="双流航空经济区")
    committee_a = org.body_create(
        actor=admin,
        name="成都芯谷管委会",
        kind=BodyKind.ZONE_COMMITTEE,
        zone=zone_a,
        headcount_quota=10,
    )
    lead_a = org.body_create(
        actor=admin, name="区发改局", kind=BodyKind.LEAD, merged_with=committee_a, headcount_quota=5
    )
    committee_b = org.body_create(
        actor=admin,
        name="航空经济区管委会",
        kind=BodyKind.ZONE_COMMITTEE,
        zone=zone_b,
        headcount_quota=10,
    )
    functional = org.body_create(
        actor=admin, name="区规划和自然资源局", kind=BodyKind.FUNCTIONAL, headcount_quota=10
    )
    sectoral = org.body_create(
        actor=admin, name="区水务局", kind=BodyKind.SECTORAL, headcount_quota=10
    )
    leader = make_user("leader")
    org.role_assign(actor=admin, user=leader, role=Role.LEADER, scope_kind=ScopeKind.DISTRICT)
    officer_a = make_user("officer_a")
    org.role_assign(
        actor=admin, user=officer_a, role=Role.ZONE_OFFICER, scope_kind=ScopeKind.ZONE, scope=zone_a
    )
    officer_b = make_user("officer_b")
    org.role_assign(
        actor=admin, user=officer_b, role=Role.ZONE_OFFICER, scope_kind=ScopeKind.ZONE, scope=zone_b
    )
    bureau_officer = make_user("bureau_officer")
    org.role_assign(
        actor=admin,
        user=bureau_officer,
        role=Role.BUREAU_OFFICER,
        scope_kind=ScopeKind.BODY,
        scope=functional,
    )
    enterprise_user, enterprise = _enterprise_user(
        "enterprise", USCC_A, "芯谷示例科技有限公司", zone_a, officer_a
    )
    other_user, other_enterprise = _enterprise_user(
        "enterprise2", USCC_B, "航空示例制造有限公司", zone_b, officer_b
    )
    founder = enterprise_services.founder_signup(
        username="founder", password=PASSWORD, full_name="founder", phone="13900139000"
    )
    return World(
        zone_a=zone_a,
        zone_b=zone_b,
        committee_a=committee_a,
        lead_a=lead_a,
        committee_b=committee_b,
        functional=functional,
        sectoral=sectoral,
        admin=admin,
        leader=leader,
        officer_a=officer_a,
        officer_b=officer_b,
        bureau_officer=bureau_officer,
        enterprise_user=enterprise_user,
        other_enterprise_user=other_user,
        founder=founder,
        nobody=make_user("nobody"),
        enterprise=enterprise,
        other_enterprise=other_enterprise,
    )


@pytest.fixture
def unit_factory(world):
    """Create units through the service: unit_factory(body, kind, front_line=..., **extra)."""

    def create(body, kind=UnitKind.ENTERPRISE_SERVICE, *, name=None, front_line=True, **extra):
        return org.unit_create(
            actor=world.admin,
            body=body,
            kind=kind,
            name=name or f"{kind}-{body.pk}-{extra.get('stationed_in', '')}",
            front_line=front_line,
            **extra,
        )

    return create


@pytest.fixture
def post_factory(world):
    counter = {"n": 0}

    def create(unit, *, person=None, title="科员", start_on=date(2025, 1, 1), **extra):
        counter["n"] += 1
        person = person or org.person_create(
            actor=world.admin, name=f"人员{counter['n']}", staff_number=f"T{counter['n']:05d}"
        )
        return org.post_create(
            actor=world.admin, person=person, unit=unit, title=title, start_on=start_on, **extra
        )

    return create
