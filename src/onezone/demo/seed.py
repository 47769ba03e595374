"""Build the demo district by driving the real services with a simulated clock and a fixed
random seed. Idempotent: objects are looked up by natural key and only missing ones created."""

import math
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from stdnum.cn import ric

from onezone.core import clock
from onezone.core.audit import audit_record
from onezone.core.choices import Role, ScopeKind
from onezone.core.models import SiteFlag
from onezone.demands.data.categories import categories_seed
from onezone.demo import enterprise_data, orgchart, register_data
from onezone.demo.approvals_data import seed_catalogue
from onezone.demo.approvals_demo import seed_approvals
from onezone.demo.demands_demo import seed_demands
from onezone.demo.policies_demo import seed_policies
from onezone.enterprises import services as enterprise_services
from onezone.enterprises.choices import FigureName, Provenance, ServiceRole
from onezone.enterprises.industry import industry_clean
from onezone.enterprises.models import (
    Enterprise,
    EnterpriseFigure,
    ServiceAssignment,
    ServiceDesignation,
    Tag,
    Visit,
)
from onezone.enterprises.uscc import uscc_complete
from onezone.org import services as org
from onezone.org.choices import BodyKind, UnitKind
from onezone.org.models import Body, Person, Post, Unit, Zone

RANDOM_SEED = 20200525  # the day the article was published
SIMULATION_START = datetime(2025, 1, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
POSTS_START = date(2025, 1, 2)
LEADERSHIP_UNIT = ("领导班子", UnitKind.OTHER, False)
FIGURE_KEYS = tuple(FigureName.values)
# Service starts the Monday after the posts: designations, files, assignments.
SERVICE_START = datetime(2025, 1, 6, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, number: int = 1) -> None:
        if number:
            self.created[kind] = self.created.get(kind, 0) + number


def _head_title(unit_name: str) -> str:
    for ending, title in (("部", "部长"), ("中心", "主任"), ("室", "主任"), ("科", "科长")):
        if unit_name.endswith(ending):
            return title
    return "负责人"


class SimulatedClock:
    """Advances a few seconds per step, so the audit trail reads like a working session."""

    def __init__(self, start: datetime):
        self.moment = start

    @contextmanager
    def step(self, seconds: int = 7) -> Iterator[None]:
        self.moment += timedelta(seconds=seconds)
        with clock.simulated_time(self.moment):
            yield


class DemoSeeder:
    def __init__(self, password: str, stdout=None, scale: float = 1.0):
        """`scale` shrinks the enterprises, the service teams and the staff planned for them
        (tests run at a few percent); `onezone seed --demo` runs at 1, the district's size."""
        self.password = password
        self.scale = scale
        self.random = random.Random(RANDOM_SEED)
        self.sim = SimulatedClock(SIMULATION_START)
        self.report = SeedReport()
        self.admin = None
        self.person_counter = 0
        self.unit_counter = 0
        self.stdout = stdout

    # ---- entry point --------------------------------------------------------------------

    def run(self) -> SeedReport:
        # One transaction: a failed run leaves nothing half built, and SQLite commits once
        # instead of after each of tens of thousands of service calls.
        with transaction.atomic():
            return self._run()

    def _run(self) -> SeedReport:
        self.admin = self._admin()
        zones = {spec["code"]: self._zone(spec) for spec in orgchart.ZONES}
        committees = {code: self._committee(zone) for code, zone in zones.items()}
        for spec in orgchart.LEAD_BUREAUS:
            self._lead_bureau(spec, committees[spec["zone"]])
        for name, short_name in orgchart.FUNCTIONAL_BUREAUS:
            self._functional_bureau(name, short_name, zones.values())
        for name, short_name in orgchart.SECTORAL_BUREAUS:
            self._sectoral_bureau(name, short_name, list(zones.values()))
        for spec in orgchart.OTHER_BODIES:
            self._other_body(spec)
        self._demo_logins(zones)
        register_data.seed_register(self)
        # Before the visits: an issue raised in a visit opens a demand of a category.
        categories_seed()
        seed_catalogue(self)
        ServiceSeeder(self, zones).run()
        self.approval_outcomes = seed_approvals(self)
        self.demand_figures = seed_demands(self)
        self.policy_outcomes = seed_policies(self)
        self._flag_demo()
        return self.report

    # ---- helpers ------------------------------------------------------------------------

    def _admin(self):
        User = get_user_model()
        admin = User.objects.filter(username="admin").first()
        if admin:
            return admin
        with self.sim.step(), transaction.atomic():
            admin = User.objects.create_superuser(
                username="admin",
                password=self.password,
                full_name="系统管理员（演示）",
                email="admin@onezone.local",
            )
            audit_record(
                actor=None, action="user.create_superuser", obj=admin, after={"username": "admin"}
            )
        self.report.count("users")
        return admin

    def _zone(self, spec: dict) -> Zone:
        zone = Zone.objects.filter(code=spec["code"]).first()
        if zone:
            return zone
        with self.sim.step():
            zone = org.zone_create(actor=self.admin, **spec)
        self.report.count("zones")
        return zone

    def _body(self, **data) -> Body:
        body = Body.objects.filter(name=data["name"]).first()
        if body:
            return body
        with self.sim.step():
            body = org.body_create(actor=self.admin, **data)
        self.report.count("bodies")
        return body

    def _unit(
        self,
        body: Body,
        name: str,
        kind: str,
        front_line: bool,
        stationed_in: Zone | None = None,
        serves_zones=(),
    ) -> Unit:
        # Numbered in plan order, so a second run would give every unit the same line.
        self.unit_counter += 1
        unit = Unit.objects.filter(body=body, name=name).first()
        if unit:
            return unit
        with self.sim.step():
            unit = org.unit_create(
                actor=self.admin,
                body=body,
                name=name,
                kind=kind,
                front_line=front_line,
                stationed_in=stationed_in,
                serves_zones=list(serves_zones),
                phone=f"028-8579{self.unit_counter:04d}",
            )
        self.report.count("units")
        return unit

    def _plan_posts(
        self, size_range: tuple[int, int], full_range: tuple[int, int] | None = None, weight=1.0
    ) -> int:
        """Posts of a unit: the small range, or the full-scale one scaled, whichever is more."""
        low, high = size_range
        if full_range:
            low = max(low, round(full_range[0] * weight * self.scale))
            high = max(high, round(full_range[1] * weight * self.scale))
        return self.random.randint(low, high)

    def _new_person(self) -> Person:
        self.person_counter += 1
        staff_number = f"DEMO-{self.person_counter:05d}"
        # Draw every random value before the lookup so a second run makes the same plan.
        name = self.random.choice(orgchart.SURNAMES) + "".join(
            self.random.sample(orgchart.GIVEN_CHARACTERS, self.random.choice((1, 2)))
        )
        phone = (
            "1"
            + self.random.choice("3589")
            + "".join(self.random.choice("0123456789") for _ in range(9))
        )
        birthday = date(1970, 1, 1) + timedelta(days=self.random.randint(0, 365 * 30))
        # 510122: 双流县, the region code on ID cards issued before the 2016 re-designation.
        id_body = f"510122{birthday:%Y%m%d}{self.random.randint(100, 999)}"
        person = Person.objects.filter(staff_number=staff_number).first()
        if person:
            return person
        with self.sim.step():
            person = org.person_create(
                actor=self.admin,
                name=name,
                staff_number=staff_number,
                phone=phone,
                id_number=id_body + ric.calc_check_digit(id_body + "0"),
                is_synthetic=True,
            )
        self.report.count("people")
        return person

    def _post(self, person: Person, unit: Unit, title: str, is_leader: bool = False) -> Post:
        post = Post.objects.filter(person=person, unit=unit, title=title).first()
        if post:
            return post
        with self.sim.step():
            post = org.post_create(
                actor=self.admin,
                person=person,
                unit=unit,
                title=title,
                start_on=POSTS_START,
                is_leader=is_leader,
            )
        self.report.count("posts")
        return post

    def _staff_unit(self, unit: Unit, size: int, head_title: str = "") -> list[Person]:
        head_title = head_title or _head_title(unit.name)
        deputies = 2 if size >= orgchart.DEPUTIES_FROM_SIZE else 0
        people = []
        for index in range(size):
            person = self._new_person()
            if index == 0:
                title = head_title
            elif index <= deputies:
                title = f"副{head_title}"
            else:
                title = "工作人员"
            self._post(person, unit, title, is_leader=index <= deputies)
            people.append(person)
        return people

    def _leadership(self, body: Body, titles: list[str]) -> None:
        leadership = self._unit(body, *LEADERSHIP_UNIT)
        for title in titles:
            self._post(self._new_person(), leadership, title, is_leader=True)

    # ---- the organisation ---------------------------------------------------------------

    def _committee(self, zone: Zone) -> Body:
        weight = orgchart.ZONE_STAFF_WEIGHT.get(zone.code, 1.0)
        sizes = [self._plan_posts(spec[3], spec[4], weight) for spec in orgchart.COMMITTEE_UNITS]
        leaders = orgchart.COMMITTEE_LEADER_TITLES
        quota = sum(sizes) + len(leaders) + orgchart.QUOTA_SLACK
        committee = self._body(
            name=f"{zone.name}管委会",
            short_name=f"{zone.name}管委会",
            kind=BodyKind.ZONE_COMMITTEE,
            zone=zone,
            headcount_quota=quota,
        )
        self._leadership(committee, leaders)
        for (name, kind, front_line, _range, _full), size in zip(
            orgchart.COMMITTEE_UNITS, sizes, strict=True
        ):
            self._staff_unit(self._unit(committee, name, kind, front_line), size)
        return committee

    def _lead_bureau(self, spec: dict, committee: Body) -> Body:
        weight = orgchart.ZONE_STAFF_WEIGHT.get(spec["zone"], 1.0)
        sizes = [self._plan_posts(unit[3], unit[4], weight) for unit in orgchart.LEAD_UNITS]
        lead = self._body(
            name=spec["name"],
            short_name=spec["short_name"],
            kind=BodyKind.LEAD,
            merged_with=committee,
            headcount_quota=sum(sizes) + 2 + orgchart.QUOTA_SLACK,
        )
        leadership = self._unit(lead, *LEADERSHIP_UNIT)
        # One team (一肩挑, 交叉任职): the committee's director and first deputy lead the bureau.
        committee_leaders = (
            Post.objects.filter(unit__body=committee, unit__name=LEADERSHIP_UNIT[0])
            .select_related("person")
            .order_by("pk")[:2]
        )
        for post, title in zip(committee_leaders, ["局长", "副局长"], strict=False):
            self._post(post.person, leadership, title, is_leader=True)
        for (name, kind, front_line, _range, _full), size in zip(
            orgchart.LEAD_UNITS, sizes, strict=True
        ):
            self._staff_unit(self._unit(lead, name, kind, front_line), size)
        return lead

    def _functional_bureau(self, name: str, short_name: str, zones) -> Body:
        zones = list(zones)
        plan = [
            [
                self._plan_posts(spec[2], spec[3], orgchart.ZONE_STAFF_WEIGHT.get(zone.code, 1.0))
                for spec in orgchart.STATIONED_UNITS
            ]
            for zone in zones
        ]
        hq_size = self._plan_posts(orgchart.HEADQUARTERS_UNIT[3])
        leaders = orgchart.FUNCTIONAL_LEADER_TITLES
        quota = sum(map(sum, plan)) + hq_size + len(leaders) + orgchart.QUOTA_SLACK
        bureau = self._body(
            name=name, short_name=short_name, kind=BodyKind.FUNCTIONAL, headcount_quota=quota
        )
        self._leadership(bureau, leaders)
        hq_name, hq_kind, hq_front, _range = orgchart.HEADQUARTERS_UNIT
        self._staff_unit(self._unit(bureau, hq_name, hq_kind, hq_front), hq_size)
        for zone, sizes in zip(zones, plan, strict=True):
            for (unit_name, kind, _range, _full), size in zip(
                orgchart.STATIONED_UNITS, sizes, strict=True
            ):
                unit = self._unit(bureau, f"{zone.name}{unit_name}", kind, True, stationed_in=zone)
                self._staff_unit(
                    unit, size, head_title="科长" if kind == UnitKind.PARK_SERVICE else "大队长"
                )
        return bureau

    def _sectoral_bureau(self, name: str, short_name: str, zones: list[Zone]) -> Body:
        size = self._plan_posts(orgchart.PROMOTION_UNIT[2], orgchart.PROMOTION_UNIT[3])
        served = sorted(
            self.random.sample(zones, self.random.randint(1, len(zones))),
            key=lambda zone: zone.code,
        )
        leaders = orgchart.SECTORAL_LEADER_TITLES
        bureau = self._body(
            name=name,
            short_name=short_name,
            kind=BodyKind.SECTORAL,
            headcount_quota=size + len(leaders) + orgchart.QUOTA_SLACK,
        )
        self._leadership(bureau, leaders)
        unit_name, kind, _range, _full = orgchart.PROMOTION_UNIT
        unit = self._unit(bureau, unit_name, kind, True, serves_zones=served)
        self._staff_unit(unit, size, head_title="科长")
        return bureau

    def _other_body(self, spec: dict) -> Body:
        body = self._body(headcount_quota=5 + orgchart.QUOTA_SLACK, **spec)
        self._staff_unit(self._unit(body, "经济发展办公室", UnitKind.OTHER, False), 2)
        return body

    # ---- logins -------------------------------------------------------------------------

    def _user(self, username: str, full_name: str, role: str, scope_kind: str, scope=None):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            with self.sim.step():
                user = org.user_create(
                    actor=self.admin,
                    username=username,
                    password=self.password,
                    full_name=full_name,
                    phone="",
                    email=f"{username}@onezone.local",
                )
            self.report.count("users")
        with self.sim.step():
            org.role_assign(
                actor=self.admin, user=user, role=role, scope_kind=scope_kind, scope=scope
            )
        return user

    def _demo_logins(self, zones: dict[str, Zone]) -> None:
        bureau = Body.objects.get(name=orgchart.FUNCTIONAL_BUREAUS[0][0])
        officers = {}
        self._user("leader", "区领导（演示）", Role.LEADER, ScopeKind.DISTRICT)
        self._user("hotline", "热线话务员（演示）", Role.HOTLINE_OPERATOR, ScopeKind.DISTRICT)
        for code in ("chip_valley", "aviation"):
            officers[code] = self._user(
                f"zone_{code}",
                f"{zones[code].name}工作人员（演示）",
                Role.ZONE_OFFICER,
                ScopeKind.ZONE,
                zones[code],
            )
        self._user("bureau", "规自局工作人员（演示）", Role.BUREAU_OFFICER, ScopeKind.BODY, bureau)
        self._user(
            "liaison", "企业联络员（演示）", Role.LIAISON, ScopeKind.ZONE, zones["chip_valley"]
        )
        self._user(
            "chief_rep",
            "政府首席代表（演示）",
            Role.CHIEF_REPRESENTATIVE,
            ScopeKind.ZONE,
            zones["chip_valley"],
        )
        self._enterprise_login(
            "enterprise",
            "芯谷示例半导体有限公司（演示）",
            zones["chip_valley"],
            officers["chip_valley"],
        )
        self._enterprise_login(
            "enterprise2", "航空示例航材有限公司（演示）", zones["aviation"], officers["aviation"]
        )
        self._founder_login()

    def _demo_uscc(self) -> str:
        alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        body = "91510116" + "".join(self.random.choice(alphabet) for _ in range(9))
        return uscc_complete(body)

    def _enterprise_login(self, username: str, name: str, zone: Zone, officer) -> None:
        code = self._demo_uscc()
        if get_user_model().objects.filter(username=username).exists():
            return
        # The file exists before the sign-up, so confirming the binding finds a full file.
        spec = enterprise_data.DEMO_LOGIN_FILES[username]
        if not Enterprise.objects.filter(uscc=code).exists():
            first_year = enterprise_data.FIRST_FIGURE_YEAR
            figures = {name: spec[name] for name in FIGURE_KEYS}
            data = {
                **{key: spec[key] for key in ("industry_code", "registered_on", "tags")},
                **{key: spec[key] for key in ("legal_representative", "registered_address")},
                **figures,
                "uscc": code,
                "name": name,
                "zone": zone,
                "year": first_year,
                "source": Provenance.STATISTICS,
                "as_of": date(first_year + 1, 6, 30),
                "contacts": [
                    {
                        "name": f"{name}经办人",
                        "title": spec["contact_title"],
                        "phone": enterprise_data.CONTACT_PHONE_PATTERN.format(0),
                        "is_primary": True,
                    }
                ],
            }
            with self.sim.step():
                row = enterprise_services.enterprise_row_clean(actor=self.admin, data=data)
                row.fields["is_synthetic"] = True
                enterprise_services.enterprises_bulk_create(actor=self.admin, rows=[row])
            self.report.count("enterprises")
        with self.sim.step():
            membership = enterprise_services.enterprise_signup(
                username=username,
                password=self.password,
                full_name=f"{name}经办人",
                phone="13800000000",
                uscc=code,
                enterprise_name=name,
                zone=zone,
            )
        with self.sim.step(600):
            enterprise_services.membership_confirm(actor=officer, membership=membership)
        self.report.count("users")

    def _founder_login(self) -> None:
        if get_user_model().objects.filter(username="founder").exists():
            return
        with self.sim.step():
            enterprise_services.founder_signup(
                username="founder",
                password=self.password,
                full_name="创业者（演示）",
                phone="13900000000",
            )
        self.report.count("users")

    def _flag_demo(self) -> None:
        SiteFlag.objects.update_or_create(
            key="synthetic_demo_data",
            defaults={"value": f"seed {RANDOM_SEED}", "set_at": clock.now()},
        )


# ---- enterprises and who serves them ------------------------------------------------------

DEMO_PORTFOLIO_EXTRA = 5  # enterprises the `liaison` login serves besides `enterprise`'s


def service_plan(scale: float) -> dict[str, dict[str, int]]:
    """Enterprises, liaisons and chief representatives per zone at a scale (1 = the district)."""
    return {
        zone: {kind: max(1, round(number * scale)) for kind, number in counts.items()}
        for zone, counts in enterprise_data.ZONE_PLAN.items()
    }


def organisation_code(body: str) -> str:
    """The 9-character organisation code (GB 11714) of 8 characters, with its check character."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(char, 36) * weight for char, weight in zip(body, weights, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def synthetic_uscc(index: int) -> str:
    """The index-th demo code: 双流区, a new-style organisation code, computed check characters."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    number = (index * 7919 + 104729) % 31**5  # a bijection, so codes never collide
    digits = ""
    for _ in range(5):
        number, rest = divmod(number, 31)
        digits = alphabet[rest] + digits
    prefix = enterprise_data.USCC_PREFIX + enterprise_data.REGION_CODE
    return uscc_complete(prefix + organisation_code("MA6" + digits))


def _amount(value: float) -> Decimal:
    return Decimal(f"{max(value, 0):.2f}")


def _grown(figures: dict, growth: float) -> dict:
    """Next year's figures from this year's and the revenue growth rate."""
    revenue = float(figures["revenue_10k_cny"])
    ratio = 1 + growth
    employees = max(1, round(figures["employees"] * (1 + growth / 2)))
    return {
        "employees": employees,
        "revenue_10k_cny": _amount(revenue * ratio),
        "assets_10k_cny": _amount(float(figures["assets_10k_cny"]) * (1 + growth * 0.6)),
        "rd_expense_10k_cny": _amount(float(figures["rd_expense_10k_cny"]) * ratio),
        "tax_10k_cny": _amount(float(figures["tax_10k_cny"]) * ratio),
        "invention_patents": figures["invention_patents"]
        + (max(1, figures["invention_patents"] // 8) if figures["rd_staff"] else 0),
        "rd_staff": min(employees, round(figures["rd_staff"] * (1 + growth / 2))),
    }


def _weekday(day: date) -> date:
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo("Asia/Shanghai"))


def _is_leadership(post: Post) -> bool:
    return post.unit.name == LEADERSHIP_UNIT[0]


def _liaison_rank(post: Post, zone: Zone) -> int | None:
    """Where liaisons come from, best first: the zone's enterprise service, its stationed units,
    the lead bureau's industry section, investment attraction, sectoral sections serving it."""
    unit, body = post.unit, post.unit.body
    if post.is_leader:
        return None
    if body.zone_id == zone.pk:
        return {UnitKind.ENTERPRISE_SERVICE: 0, UnitKind.INVESTMENT_ATTRACTION: 3}.get(unit.kind, 5)
    if unit.stationed_in_id == zone.pk:
        return 1
    if body.merged_with_id and body.merged_with.zone_id == zone.pk:
        return 2 if unit.kind == UnitKind.ENTERPRISE_SERVICE else None
    if unit.kind == UnitKind.INVESTMENT_PROMOTION and zone in unit.serves_zones.all():
        return 4
    return None


def _zone_leader_rank(post: Post, zone: Zone) -> int | None:
    """The zone's own leaders: its committee's leadership, then the heads of its units."""
    unit, body = post.unit, post.unit.body
    if not post.is_leader:
        return None
    if body.zone_id == zone.pk:
        return 0 if _is_leadership(post) else 1
    if body.merged_with_id and body.merged_with.zone_id == zone.pk and not _is_leadership(post):
        return 2
    if unit.stationed_in_id == zone.pk:
        return 3
    return None


def _is_bureau_leader(post: Post) -> bool:
    kinds = (BodyKind.FUNCTIONAL, BodyKind.SECTORAL)
    return post.is_leader and post.unit.body.kind in kinds and post.unit.stationed_in_id is None


def _largest_remainder(total: int, weights: dict[str, int]) -> dict[str, int]:
    whole = sum(weights.values())
    exact = {key: total * weight / whole for key, weight in weights.items()}
    shares = {key: int(value) for key, value in exact.items()}
    rest = sorted(exact, key=lambda key: shares[key] - exact[key])[: total - sum(shares.values())]
    return {key: shares[key] + (key in rest) for key in shares}


class ServiceSeeder:
    """The zones' enterprise files, the liaisons and chief representatives designated to serve
    them, every enterprise assigned, and a year of visits and yearly figures, all through the
    enterprise services on the simulated clock."""

    def __init__(self, seeder: DemoSeeder, zones: dict[str, Zone]):
        self.seeder = seeder
        self.admin = seeder.admin
        self.zones = zones
        self.report = seeder.report
        self.sim = seeder.sim
        # Its own stream, so the enterprises do not shift with the organisation's draws.
        self.random = random.Random(RANDOM_SEED + 4)
        self.plan = service_plan(seeder.scale)
        self.series: dict[str, dict[int, dict]] = {}
        self.names: set[str] = set()
        self.contact_counter = 0
        self.logins: dict[int, object] = {}  # enterprise pk -> its demo login's user

    def run(self) -> None:
        self.sim.moment = max(self.sim.moment, SERVICE_START)
        designated = self._designations()
        self._link_login("liaison", designated["chip_valley"][ServiceRole.LIAISON][0].person)
        self._link_login(
            "chief_rep", designated["chip_valley"][ServiceRole.CHIEF_REPRESENTATIVE][0].person
        )
        self._enterprises()
        self._assign(designated)
        self._year_of_service()

    # ---- designations -----------------------------------------------------------------

    def _designations(self) -> dict[str, dict[str, list[Post]]]:
        posts = list(
            Post.objects.filter(end_on__isnull=True)
            .select_related("person", "unit__body__merged_with", "unit__stationed_in")
            .prefetch_related("unit__serves_zones")
            .order_by("pk")
        )
        chiefs = self._chief_posts(posts)
        designated = {}
        used: set[int] = set()
        for code, zone in self.zones.items():
            ranked = sorted(
                (rank, post.pk, post)
                for post in posts
                if (rank := _liaison_rank(post, zone)) is not None
            )
            liaisons = self._take([post for *_, post in ranked], "liaisons", code, used)
            designated[code] = {
                ServiceRole.LIAISON: liaisons,
                ServiceRole.CHIEF_REPRESENTATIVE: chiefs[code],
            }
        existing = set(ServiceDesignation.objects.values_list("post_id", "role"))
        for code, roles in designated.items():
            for role, role_posts in roles.items():
                for post in role_posts:
                    if (post.pk, role) in existing:
                        continue
                    with self.sim.step(2):
                        enterprise_services.designation_create(
                            actor=self.admin, post=post, role=role, zone=self.zones[code]
                        )
                    self.report.count(
                        "liaisons" if role == ServiceRole.LIAISON else "chief representatives"
                    )
        return designated

    def _take(self, candidates: list[Post], kind: str, code: str, used: set[int]) -> list[Post]:
        need = self.plan[code][kind]
        chosen = []
        for post in candidates:
            if len(chosen) == need:
                break
            if post.person_id not in used:
                used.add(post.person_id)
                chosen.append(post)
        if len(chosen) < need:
            raise RuntimeError(
                f"{code}: only {len(chosen)} posts for {need} {kind}; "
                "raise the staffing in demo/orgchart.py"
            )
        return chosen

    def _chief_posts(self, posts: list[Post]) -> dict[str, list[Post]]:
        """Chief representatives: each zone's committee leaders, then its share of the bureau
        leaders (dealt in turn), then the heads of its own units."""
        needs = {code: self.plan[code]["chief_representatives"] for code in self.zones}
        shared = sorted(
            (post for post in posts if _is_bureau_leader(post)),
            key=lambda post: (not _is_leadership(post), post.pk),
        )
        allowance = _largest_remainder(len(shared), needs)
        dealt: dict[str, list[Post]] = {code: [] for code in self.zones}
        for post in shared:
            still_open = [code for code in self.zones if len(dealt[code]) < allowance[code]]
            code = min(still_open, key=lambda code: len(dealt[code]) / allowance[code])
            dealt[code].append(post)
        chosen = {}
        used: set[int] = set()
        for code, zone in self.zones.items():
            own = sorted(
                (rank, post.pk, post)
                for post in posts
                if (rank := _zone_leader_rank(post, zone)) is not None
            )
            top = [post for rank, _pk, post in own if rank == 0]
            heads = [post for rank, _pk, post in own if rank > 0]
            chosen[code] = self._take(
                top + dealt[code] + heads, "chief_representatives", code, used
            )
        return chosen

    def _link_login(self, username: str, person: Person) -> None:
        user = get_user_model().objects.get(username=username)
        if person.user_id or Person.objects.filter(user=user).exists():
            return
        with self.sim.step():
            org.person_update(actor=self.admin, person=person, user=user)

    # ---- enterprise files -------------------------------------------------------------

    def _enterprises(self) -> None:
        tags = set(Tag.objects.values_list("code", flat=True))
        existing = set(Enterprise.objects.values_list("uscc", flat=True))
        rows = []
        index = 0
        for code, zone in self.zones.items():
            for _ in range(self.plan[code]["enterprises"]):
                data = self._enterprise_data(zone, index)
                index += 1
                if data["uscc"] in existing:
                    continue
                with self.sim.step(0):
                    row = enterprise_services.enterprise_row_clean(
                        actor=self.admin, data=data, tags=tags
                    )
                row.fields["is_synthetic"] = True
                rows.append(row)
        if rows:
            with self.sim.step(120):
                enterprise_services.enterprises_bulk_create(actor=self.admin, rows=rows)
            self.report.count("enterprises", len(rows))
        self._login_series()

    def _choice(self, weighted):
        return self.random.choices(weighted, weights=[item[1] for item in weighted])[0]

    def _date_between(self, first: date, last: date) -> date:
        return first + timedelta(days=self.random.randint(0, (last - first).days))

    def _person_name(self) -> str:
        return self.random.choice(orgchart.SURNAMES) + "".join(
            self.random.sample(orgchart.GIVEN_CHARACTERS, self.random.choice((1, 2)))
        )

    def _enterprise_name(self, zone: Zone, words: tuple[str, ...]) -> str:
        data = enterprise_data
        for attempt in range(50):
            trade = self.random.choice(data.TRADE_NAMES)
            if attempt > 10:
                trade += self.random.choice(data.TRADE_NAMES)
            prefix = self.random.choice(data.NAME_PREFIXES)
            form = self._choice(data.LEGAL_FORMS)[0]
            word = self.random.choice(words)
            name = f"{prefix}{trade}{word}{form}"
            if name not in self.names:
                self.names.add(name)
                return name
        raise RuntimeError(f"no free enterprise name left for {zone.code}")

    def _first_figures(self, profile: tuple, startup: bool) -> dict:
        data = enterprise_data
        per_employee, rd_share, rd_staff_share, patents_per_100, _growth = profile
        employees = round(
            data.EMPLOYEES_MEDIAN * math.exp(self.random.gauss(0, data.EMPLOYEES_SIGMA))
        )
        employees = min(
            max(employees // (2 if startup else 1), data.EMPLOYEES_RANGE[0]),
            data.EMPLOYEES_RANGE[1],
        )
        revenue = employees * self.random.uniform(*per_employee) * (0.4 if startup else 1)
        rd_staff = round(employees * self.random.uniform(*rd_staff_share))
        patents = round(employees / 100 * patents_per_100 * self.random.uniform(0.2, 1.8))
        return {
            "employees": employees,
            "revenue_10k_cny": _amount(revenue),
            "assets_10k_cny": _amount(revenue * self.random.uniform(0.6, 2.2)),
            "rd_expense_10k_cny": _amount(revenue * self.random.uniform(*rd_share)),
            "tax_10k_cny": _amount(revenue * self.random.uniform(0.02, 0.07)),
            "invention_patents": patents if rd_staff else 0,
            "rd_staff": rd_staff,
        }

    def _enterprise_data(self, zone: Zone, index: int) -> dict:
        """One enterprise's file and its three years of figures (kept in self.series)."""
        data = enterprise_data
        industry_code, _weight, words, profile_name = self._choice(data.ZONE_INDUSTRIES[zone.code])
        profile = data.PROFILES[profile_name]
        startup = self.random.random() < data.STARTUP_SHARE
        registered_on = (
            self._date_between(date(2023, 3, 1), data.NEWEST_REGISTRATION)
            if startup
            else self._date_between(data.OLDEST_REGISTRATION, date(2022, 12, 31))
        )
        growth_weights = (0, 1, 3, 3) if startup else profile[4]
        growth_name, growth_range = self.random.choices(
            data.GROWTH_PROFILES, weights=growth_weights
        )[0]
        first_year = max(data.FIRST_FIGURE_YEAR, registered_on.year)
        series = {first_year: self._first_figures(profile, startup)}
        for year in range(first_year + 1, data.LAST_FIGURE_YEAR + 1):
            series[year] = _grown(series[year - 1], self.random.uniform(*growth_range))
        code = synthetic_uscc(index)
        self.series[code] = series
        figures = series[first_year]
        tags = self._tags(industry_code, profile_name, figures, growth_name, startup)
        legal_representative = self._person_name()
        contacts = [self._contact(legal_representative, "法定代表人")]
        if self.random.random() < 0.6:
            contacts.append(
                self._contact(self._person_name(), self.random.choice(data.CONTACT_TITLES))
            )
        road = self.random.choice(data.ROADS[zone.code])
        return {
            "uscc": code,
            "name": self._enterprise_name(zone, words),
            "legal_representative": legal_representative,
            "registered_address": f"四川省成都市双流区{road}{self.random.randint(1, 999)}号",
            "zone": zone,
            "industry_code": industry_code,
            "registered_on": registered_on,
            **figures,
            "year": first_year,
            "source": Provenance.STATISTICS if "above_scale" in tags else Provenance.TAX,
            "as_of": date(2024, 6, 30) if first_year < 2024 else SERVICE_START.date(),
            "tags": tags,
            "contacts": contacts,
        }

    def _contact(self, name: str, title: str) -> dict:
        self.contact_counter += 1
        return {
            "name": name,
            "title": title,
            "phone": enterprise_data.CONTACT_PHONE_PATTERN.format(self.contact_counter % 10000),
        }

    def _tags(self, industry_code, profile_name, figures, growth_name, startup) -> list[str]:
        data = enterprise_data
        draws = [self.random.random() for _ in range(8)]
        section = industry_clean(industry_code).section
        revenue = figures["revenue_10k_cny"]
        tags = []
        if draws[0] < data.HIGH_TECH_ODDS[profile_name]:
            tags.append("high_tech")
        if draws[1] < data.SPECIALISED_ODDS and not startup:
            tags.append("specialised")
            if draws[2] < data.LITTLE_GIANT_ODDS:
                tags.append("little_giant")
        if revenue >= data.ABOVE_SCALE_REVENUE[section]:
            tags.append("above_scale")
        if revenue >= data.CHAIN_LEADER_MIN_REVENUE and draws[3] < data.CHAIN_LEADER_ODDS:
            tags.append("chain_leader")
        if figures["employees"] < 300 and figures["rd_staff"] and draws[4] < data.SCI_TECH_SME_ODDS:
            tags.append("sci_tech_sme")
        if draws[5] < data.FOREIGN_INVESTED_ODDS:
            tags.append("foreign_invested")
        if figures["employees"] >= 800 and draws[6] < data.LISTED_ODDS:
            tags.append("listed")
        if growth_name == "fast" and not startup:
            tags.append("gazelle")
        key_odds = max((data.KEY_ODDS.get(tag, 0) for tag in tags), default=0)
        if draws[7] < max(key_odds, data.KEY_ODDS_OTHER):
            tags.append("key")
        return tags

    def _login_series(self) -> None:
        """The demo logins' enterprises grow as their specs say."""
        for username, spec in enterprise_data.DEMO_LOGIN_FILES.items():
            enterprise = Enterprise.objects.filter(memberships__user__username=username).first()
            if enterprise is None:
                continue
            series = {enterprise_data.FIRST_FIGURE_YEAR: {name: spec[name] for name in FIGURE_KEYS}}
            for year, growth in enumerate(
                spec["growth"], start=enterprise_data.FIRST_FIGURE_YEAR + 1
            ):
                series[year] = _grown(series[year - 1], growth)
            self.series[enterprise.uscc] = series
            self.logins[enterprise.pk] = get_user_model().objects.get(username=username)

    # ---- assignments ------------------------------------------------------------------

    def _assign(self, designated) -> None:
        zone = self.zones["chip_valley"]
        roles = designated["chip_valley"]
        login = Enterprise.objects.filter(memberships__user__username="enterprise").first()
        demo_portfolio = list(
            Enterprise.objects.filter(zone=zone, is_synthetic=True)
            .exclude(uscc=getattr(login, "uscc", ""))
            .order_by("pk")[:DEMO_PORTFOLIO_EXTRA]
        )
        if login:
            demo_portfolio.insert(0, login)
            self._assign_to(login, ServiceRole.CHIEF_REPRESENTATIVE, roles)
        for enterprise in demo_portfolio:
            self._assign_to(enterprise, ServiceRole.LIAISON, roles)
        for zone in self.zones.values():
            for role in (ServiceRole.LIAISON, ServiceRole.CHIEF_REPRESENTATIVE):
                with self.sim.step(60):
                    assigned = enterprise_services.assignment_auto_assign(
                        actor=self.admin, zone=zone, role=role
                    )
                self.report.count("service assignments", assigned)

    def _assign_to(self, enterprise, role: str, roles) -> None:
        if ServiceAssignment.objects.filter(
            enterprise=enterprise, role=role, end_on__isnull=True
        ).exists():
            return
        with self.sim.step(30):
            enterprise_services.assignment_set(
                actor=self.admin, enterprise=enterprise, role=role, post=roles[role][0]
            )
        self.report.count("service assignments")

    # ---- a year of service --------------------------------------------------------------

    def _year_of_service(self) -> None:
        """Visits through the year and each year's figures when they come in, in date order."""
        holders: dict[int, dict[str, Post]] = {}
        for assignment in ServiceAssignment.objects.filter(end_on__isnull=True).select_related(
            "post__person__user"
        ):
            holders.setdefault(assignment.enterprise_id, {})[assignment.role] = assignment.post
        enterprises = list(Enterprise.objects.filter(pk__in=holders).order_by("pk"))
        above_scale = set(
            Enterprise.tags.through.objects.filter(tag_id="above_scale").values_list(
                "enterprise_id", flat=True
            )
        )
        contacts = {}
        for enterprise_id, name in (
            Enterprise.objects.filter(contacts__is_primary=True)
            .values_list("pk", "contacts__name")
            .order_by("pk")
        ):
            contacts.setdefault(enterprise_id, name)
        events = []
        for enterprise in enterprises:
            roles = holders[enterprise.pk]
            liaison = roles.get(ServiceRole.LIAISON)
            chief = roles.get(ServiceRole.CHIEF_REPRESENTATIVE)
            contact = contacts.get(enterprise.pk) or "企业负责人"
            if liaison:
                events += self._visit_plan(enterprise, liaison, contact, None)
            if chief:
                events += self._visit_plan(enterprise, chief, contact, liaison)
            for year, day in enterprise_data.FIGURES_RECORDED_ON.items():
                declared = self.random.random() < enterprise_data.SELF_DECLARED_SHARE[year]
                events.append((day, 0, enterprise.pk, ("figures", enterprise, year, declared)))
        events.sort(key=lambda event: event[:3])
        self._record(events, enterprise_ids_above_scale=above_scale)

    def _visit_plan(self, enterprise, post: Post, contact: str, liaison: Post | None) -> list:
        """Visit dates of one server: every month or two for liaisons, quarterly for chief
        representatives; now and then a visit is missed and the next one comes later."""
        data = enterprise_data
        chief = liaison is not None
        interval = data.CHIEF_VISIT_INTERVAL if chief else self._choice(data.VISIT_INTERVALS)[0]
        day = data.VISITS_FROM + timedelta(days=self.random.randint(0, interval - 1))
        plan = []
        while (day := _weekday(day)) <= data.VISITS_TO:
            planned_next = day + timedelta(days=interval)
            draws = [self.random.random() for _ in range(3)]
            mode = "on_site" if chief else self._choice(data.VISIT_MODES)[0]
            issue_count = (
                0
                if draws[1] < data.ISSUE_ODDS[0]
                else 1
                if draws[1] < sum(data.ISSUE_ODDS[:2])
                else 2
            )
            visit = {
                "visited_on": day,
                "mode": mode,
                "participants": f"{contact}（企业）"
                + (f"、{liaison.person.name}（联络员）" if chief else ""),
                "notes": self.random.choice(data.VISIT_NOTES),
                "issues": self.random.sample(data.VISIT_ISSUES, issue_count),
                "next_visit_on": None if draws[2] < data.NO_NEXT_DATE_ODDS else planned_next,
            }
            if draws[0] >= data.MISSED_VISIT_ODDS:
                plan.append((day, 1, enterprise.pk, ("visit", enterprise, post, visit)))
            day = planned_next + timedelta(days=self.random.randint(-3, 6))
        return plan

    def _record(self, events: list, enterprise_ids_above_scale: set[int]) -> None:
        visited = set(Visit.objects.values_list("enterprise_id", "visited_on", "visitor_id"))
        recorded = set(EnterpriseFigure.objects.values_list("enterprise_id", "year").distinct())
        for day, _order, enterprise_id, (kind, enterprise, *details) in events:
            self.sim.moment = max(self.sim.moment, _at(day, 9))
            if kind == "visit":
                post, visit = details
                if (enterprise_id, day, post.person_id) in visited:
                    continue
                self._visit(enterprise, post, visit)
            else:
                year, declared = details
                if (enterprise_id, year) in recorded or year not in self.series.get(
                    enterprise.uscc, {}
                ):
                    continue
                above = enterprise_id in enterprise_ids_above_scale
                self._figures(enterprise, year, declared, above)

    def _visit(self, enterprise, post: Post, visit: dict) -> None:
        person = post.person
        with self.sim.step(20):
            enterprise_services.visit_record(
                actor=person.user or self.admin, enterprise=enterprise, visitor=person, **visit
            )
        self.report.count("visits")
        self.report.count("visit issues", len(visit["issues"]))

    def _figures(self, enterprise, year: int, declared: bool, above_scale: bool) -> None:
        """A year's figures: from statistics or tax, or declared by the enterprise itself."""
        member = (
            self.logins.get(enterprise.pk) if year == enterprise_data.LAST_FIGURE_YEAR else None
        )
        if member or declared:
            source = Provenance.SELF_DECLARED
        else:
            source = Provenance.STATISTICS if above_scale else Provenance.TAX
        with self.sim.step(2):
            data = {**self.series[enterprise.uscc][year], "year": year, "source": source}
            data["as_of"] = clock.today()
            enterprise_services.enterprise_update(
                actor=member or self.admin, enterprise=enterprise, data=data
            )
        self.report.count("yearly figures")


DEMO_USERNAMES = [
    "admin",
    "leader",
    "hotline",
    "zone_chip_valley",
    "zone_aviation",
    "bureau",
    "liaison",
    "chief_rep",
    "enterprise",
    "enterprise2",
    "founder",
]
