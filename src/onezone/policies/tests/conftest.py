"""Fixtures of the policies tests: enterprises with known figures and provenance, a liaison,
a policy officer, a pinned clock, and policy data as the YAML files hold it.

`policy_world` pins the platform clock at POLICY_NOW (a Tuesday) for the whole test, so
ages, validity and the figures' default year never depend on the day the suite runs.

Enterprises (figures of FIGURE_YEAR unless said otherwise):
- `ic` (= world.enterprise, zone A, user `world.enterprise_user`): 3973, registered
  2023-05-01, 50 employees, revenue 3000 (2024: 2000), assets 2000, R&D 300 (rd_ratio 0.1),
  4 patents, 12 R&D staff, tag high_tech; every figure from tax (authoritative). Its liaison is
  `liaison_user` (post `liaison_post`).
- `low_rd` (zone A): 6520, registered 2015-01-01, 300 employees, revenue 5000, assets 8000,
  R&D 100 (rd_ratio 0.02); figures from statistics (authoritative).
- `self_declared` (zone A): 3973, registered 2024-03-01, 20 employees, revenue 1000, assets 500,
  R&D 100 (rd_ratio 0.1); figures self-declared (not authoritative).
- `unknown` (= world.other_enterprise, zone B, user `world.other_enterprise_user`): nothing
  known beyond its zone.
"""

from dataclasses import dataclass
from datetime import date, datetime
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from onezone.conftest import make_user
from onezone.core import clock
from onezone.core.choices import Role, ScopeKind
from onezone.enterprises import services as enterprise_services
from onezone.enterprises.choices import Provenance, ServiceRole
from onezone.enterprises.uscc import uscc_complete
from onezone.org import services as org


@pytest.fixture(autouse=True)
def english_messages():
    """Service and engine messages are asserted by their English msgids (the UI default is
    Chinese; pages are requested through the client, whose middleware picks the language)."""
    with translation.override("en"):
        yield


SHANGHAI = ZoneInfo("Asia/Shanghai")
POLICY_NOW = datetime(2026, 6, 30, 10, 0, tzinfo=SHANGHAI)
POLICY_TODAY = POLICY_NOW.date()
FIGURE_YEAR = 2025
_numbers = count(1)

# The example policy, as its YAML file holds it (after yaml.safe_load).
IC_RD_POLICY = {
    "code": "DEMO-IC-RD-2025",
    "title": "集成电路企业研发投入补助",
    "issuer": "区经济和信息化局",
    "class": "subsidy",
    "mode": "fast_application",
    "reference": "双经信发〔2025〕1号",
    "office": "成都芯谷企业服务中心",
    "phone": "028-00000000",
    "valid_from": date(2025, 1, 1),
    "valid_to": date(2026, 12, 31),
    "payout_limit_working_days": 60,
    "eligibility": {
        "all": [
            {"field": "industry_code", "op": "industry_in", "value": ["3973", "652"]},
            {"field": "rd_ratio", "op": ">=", "value": 0.03},
            {
                "any": [
                    {"field": "size_class", "op": "in", "value": ["small", "micro"]},
                    {"field": "age_years", "op": "<=", "value": 3},
                ]
            },
        ]
    },
    "amount": {"formula": "min(rd_expense_10k_cny * 0.1, 200)", "unit": "10k_cny"},
    "tests": [
        {
            "name": "a young IC design firm qualifies",
            "date": date(2025, 6, 30),
            "enterprise": {
                "industry_code": "6520",
                "employees": 50,
                "revenue_10k_cny": 3000,
                "rd_expense_10k_cny": 300,
                "registered_on": date(2023, 5, 1),
            },
            "eligible": True,
            "amount": 30,
        }
    ],
}

# A 免申即享 policy reading only figures and registration data.
AUTO_GRANT_POLICY = {
    "code": "DEMO-PATENT-AUTO-2025",
    "title": "发明专利奖励（免申即享）",
    "issuer": "区市场监督管理局",
    "class": "reduction",
    "mode": "auto_grant",
    "reference": "双市监发〔2025〕3号",
    "valid_from": date(2025, 1, 1),
    "valid_to": date(2026, 12, 31),
    "payout_limit_working_days": 20,
    "eligibility": {
        "all": [
            {"field": "industry_code", "op": "industry_in", "value": ["C"]},
            {"field": "invention_patents", "op": ">=", "value": 1},
        ]
    },
    "amount": {"formula": "min(invention_patents * 2, 10)", "unit": "10k_cny"},
    "tests": [],
}


def policy_data(base: dict, **changes) -> dict:
    """A copy of a policy's data with top-level keys replaced (e.g. a new version)."""
    data = {**base, **changes}
    data["tests"] = list(changes.get("tests", base.get("tests", [])))
    return data


@dataclass
class PolicyWorld:
    world: object
    officer: object  # a policy officer (bureau officer)
    ic: object
    low_rd: object
    self_declared: object
    unknown: object
    liaison_user: object
    liaison_post: object

    def __getattr__(self, name):
        # The shared personas (admin, enterprise_user, officer_a, ...) read through.
        return getattr(self.world, name)


def _figures(**values) -> dict:
    return {name: value for name, value in values.items() if value is not None}


def make_policy_enterprise(world, name, *, zone=None, source=Provenance.TAX, **file):
    """An enterprise file opened by the administrator with figures of FIGURE_YEAR from `source`."""
    data = {
        "uscc": uscc_complete(f"91510116{next(_numbers) + 900000:09d}"),
        "name": name,
        "zone": zone or world.zone_a,
        "year": FIGURE_YEAR,
        "source": source,
        **file,
    }
    return enterprise_services.enterprise_create(actor=world.admin, data=data)


def _fill_world_enterprise(world):
    enterprise = world.enterprise
    base = {"industry_code": "3973", "registered_on": date(2023, 5, 1), "tags": ["high_tech"]}
    enterprise_services.enterprise_update(
        actor=world.officer_a,
        enterprise=enterprise,
        data={**base, "year": FIGURE_YEAR - 1, "source": Provenance.TAX, "revenue_10k_cny": 2000},
    )
    figures = _figures(
        employees=50,
        revenue_10k_cny=3000,
        assets_10k_cny=2000,
        rd_expense_10k_cny=300,
        invention_patents=4,
        rd_staff=12,
    )
    enterprise = enterprise_services.enterprise_update(
        actor=world.officer_a,
        enterprise=enterprise,
        data={**figures, "year": FIGURE_YEAR, "source": Provenance.TAX},
    )
    enterprise.refresh_from_db()
    return enterprise


def _liaison(world, unit_factory, post_factory, enterprise):
    user = make_user("liaison_a")
    org.role_assign(
        actor=world.admin,
        user=user,
        role=Role.LIAISON,
        scope_kind=ScopeKind.ZONE,
        scope=world.zone_a,
    )
    unit = unit_factory(world.committee_a, name="企业服务科")
    post = post_factory(unit)
    org.person_update(actor=world.admin, person=post.person, user=user)
    post.person.refresh_from_db()
    enterprise_services.designation_create(
        actor=world.officer_a, post=post, role=ServiceRole.LIAISON, zone=world.zone_a
    )
    enterprise_services.assignment_set(
        actor=world.officer_a, enterprise=enterprise, role=ServiceRole.LIAISON, post=post
    )
    return user, post


@pytest.fixture
def policy_clock():
    """The platform clock pinned at POLICY_NOW for the whole test."""
    with clock.simulated_time(POLICY_NOW):
        yield POLICY_NOW


@pytest.fixture
def policy_world(world, policy_clock, unit_factory, post_factory) -> PolicyWorld:
    ic = _fill_world_enterprise(world)
    low_rd = make_policy_enterprise(
        world,
        "芯谷软件设计有限公司",
        source=Provenance.STATISTICS,
        industry_code="6520",
        registered_on=date(2015, 1, 1),
        employees=300,
        revenue_10k_cny=5000,
        assets_10k_cny=8000,
        rd_expense_10k_cny=100,
    )
    self_declared = make_policy_enterprise(
        world,
        "芯谷初创芯片有限公司",
        source=Provenance.SELF_DECLARED,
        industry_code="3973",
        registered_on=date(2024, 3, 1),
        employees=20,
        revenue_10k_cny=1000,
        assets_10k_cny=500,
        rd_expense_10k_cny=100,
        invention_patents=1,
    )
    liaison_user, liaison_post = _liaison(world, unit_factory, post_factory, ic)
    return PolicyWorld(
        world=world,
        officer=world.bureau_officer,
        ic=ic,
        low_rd=low_rd,
        self_declared=self_declared,
        unknown=world.other_enterprise,
        liaison_user=liaison_user,
        liaison_post=liaison_post,
    )


@pytest.fixture
def load_policy(policy_world):
    """load_policy(data, actor=officer) → the stored PolicyVersion, through parse + load."""
    from onezone.policies.engine.spec import parse_policy
    from onezone.policies.services.policies import policy_load

    def load(data: dict, actor=None):
        spec = parse_policy(data, source_name=f"{data['code']}.yaml")
        return policy_load(actor=actor or policy_world.officer, spec=spec)

    return load
