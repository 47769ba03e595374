"""Build the demo district by driving the real services with a simulated clock and a fixed
random seed. Idempotent: objects are looked up by natural key and only missing ones created."""

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from stdnum.cn import ric, uscc

from onezone.core import clock
from onezone.core.audit import audit_record
from onezone.core.choices import Role, ScopeKind
from onezone.core.models import SiteFlag
from onezone.demo import orgchart, register_data
from onezone.enterprises import services as enterprise_services
from onezone.org import services as org
from onezone.org.choices import BodyKind, UnitKind
from onezone.org.models import Body, Person, Post, Unit, Zone

RANDOM_SEED = 20200525  # the day the article was published
SIMULATION_START = datetime(2025, 1, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
POSTS_START = date(2025, 1, 2)
LEADERSHIP_UNIT = ("领导班子", UnitKind.OTHER, False)


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1


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
    def __init__(self, password: str, stdout=None):
        self.password = password
        self.random = random.Random(RANDOM_SEED)
        self.sim = SimulatedClock(SIMULATION_START)
        self.report = SeedReport()
        self.admin = None
        self.person_counter = 0
        self.unit_counter = 0
        self.stdout = stdout

    # ---- entry point --------------------------------------------------------------------

    def run(self) -> SeedReport:
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

    def _plan_posts(self, size_range: tuple[int, int]) -> int:
        return self.random.randint(*size_range)

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

    def _staff_unit(self, unit: Unit, size: int, head_title: str = "负责人") -> list[Person]:
        people = []
        for index in range(size):
            person = self._new_person()
            title = head_title if index == 0 else "工作人员"
            self._post(person, unit, title, is_leader=index == 0)
            people.append(person)
        return people

    # ---- the organisation ---------------------------------------------------------------

    def _committee(self, zone: Zone) -> Body:
        sizes = [self._plan_posts(spec[3]) for spec in orgchart.COMMITTEE_UNITS]
        quota = sum(sizes) + 3 + orgchart.QUOTA_SLACK
        committee = self._body(
            name=f"{zone.name}管委会",
            short_name=f"{zone.name}管委会",
            kind=BodyKind.ZONE_COMMITTEE,
            zone=zone,
            headcount_quota=quota,
        )
        leadership = self._unit(committee, *LEADERSHIP_UNIT)
        self._leaders_of_committee(leadership)
        for (name, kind, front_line, _range), size in zip(
            orgchart.COMMITTEE_UNITS, sizes, strict=True
        ):
            self._staff_unit(self._unit(committee, name, kind, front_line), size)
        return committee

    def _leaders_of_committee(self, leadership: Unit) -> None:
        titles = ["主任", "副主任", "副主任"]
        for title in titles:
            self._post(self._new_person(), leadership, title, is_leader=True)

    def _lead_bureau(self, spec: dict, committee: Body) -> Body:
        sizes = [self._plan_posts(unit[3]) for unit in orgchart.LEAD_UNITS]
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
        for (name, kind, front_line, _range), size in zip(orgchart.LEAD_UNITS, sizes, strict=True):
            self._staff_unit(self._unit(lead, name, kind, front_line), size)
        return lead

    def _functional_bureau(self, name: str, short_name: str, zones) -> Body:
        zones = list(zones)
        plan = [[self._plan_posts(spec[2]) for spec in orgchart.STATIONED_UNITS] for _ in zones]
        hq_size = self._plan_posts(orgchart.HEADQUARTERS_UNIT[3])
        quota = sum(map(sum, plan)) + hq_size + orgchart.QUOTA_SLACK
        bureau = self._body(
            name=name, short_name=short_name, kind=BodyKind.FUNCTIONAL, headcount_quota=quota
        )
        hq_name, hq_kind, hq_front, _range = orgchart.HEADQUARTERS_UNIT
        self._staff_unit(self._unit(bureau, hq_name, hq_kind, hq_front), hq_size)
        for zone, sizes in zip(zones, plan, strict=True):
            for (unit_name, kind, _range), size in zip(
                orgchart.STATIONED_UNITS, sizes, strict=True
            ):
                unit = self._unit(bureau, f"{zone.name}{unit_name}", kind, True, stationed_in=zone)
                self._staff_unit(
                    unit, size, head_title="科长" if kind == UnitKind.PARK_SERVICE else "大队长"
                )
        return bureau

    def _sectoral_bureau(self, name: str, short_name: str, zones: list[Zone]) -> Body:
        size = self._plan_posts(orgchart.PROMOTION_UNIT[2])
        served = sorted(
            self.random.sample(zones, self.random.randint(1, len(zones))),
            key=lambda zone: zone.code,
        )
        bureau = self._body(
            name=name,
            short_name=short_name,
            kind=BodyKind.SECTORAL,
            headcount_quota=size + orgchart.QUOTA_SLACK,
        )
        unit_name, kind, _range = orgchart.PROMOTION_UNIT
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
        return body + uscc.calc_check_digit(body)

    def _enterprise_login(self, username: str, name: str, zone: Zone, officer) -> None:
        code = self._demo_uscc()
        if get_user_model().objects.filter(username=username).exists():
            return
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
