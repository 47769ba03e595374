"""A demo year of enterprise demands, driven through the demands services with a simulated
clock and a fixed random seed: hotline calls, online requests, liaison visits, Coffee Time
sessions on the Shuangliu rhythm, Happiness Center requests and a few Open311 reports are
dispatched, signed, replied, reviewed, called back and closed; legacy problems are worked in
rounds until a round resolves them; the daily sweep urges and supervises what runs late.
Every figure it returns is measured afterwards (`demand_kpis`), never written. Nothing is
written into rows directly."""

import heapq
import itertools
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count

from onezone.core import workcal
from onezone.core.choices import Role, ScopeKind, TimeUnit
from onezone.core.clock import simulated_time
from onezone.core.errors import ConflictError
from onezone.core.tokens import token_create
from onezone.demands import access as demand_access
from onezone.demands.choices import (
    Channel,
    CoffeeIssueOutcome,
    DemandState,
    Priority,
    Satisfaction,
)
from onezone.demands.data.categories import GENERAL_CATEGORY, categories_seed
from onezone.demands.data.happiness import happiness_seed
from onezone.demands.models import CoffeeSession, Demand, DemandCategory, HappinessService
from onezone.demands.selectors.kpis import demand_kpis
from onezone.demands.services import coffee as coffee_services
from onezone.demands.services.demands import (
    demand_act,
    demand_create,
    demand_mark_duplicate,
    demand_mark_invalid,
    demands_sweep,
)
from onezone.demands.services.happiness import happiness_request
from onezone.demo import demands_data as data
from onezone.enterprises import services as enterprise_services
from onezone.enterprises.choices import MembershipStatus, ServiceRole
from onezone.enterprises.models import (
    Enterprise,
    EnterpriseContact,
    EnterpriseMembership,
    ServiceAssignment,
    VisitIssue,
)
from onezone.org import services as org
from onezone.org.choices import BodyKind, UnitKind
from onezone.org.models import Body, RoleAssignment, Unit, Zone

SHANGHAI = ZoneInfo("Asia/Shanghai")
RANDOM_SEED = 20200525 + 6  # the seeder's seed, issue 6
YEAR_FROM = date(2025, 12, 1)
YEAR_TO = date(2026, 11, 26)
# Demands per year at full scale (legacy problems and Coffee Time issues come on top). Each
# runs through about nine audited actions of some 30 ms each on SQLite, so the full year
# takes several minutes; tests run at a few percent.
PER_YEAR = {
    Channel.HOTLINE: 520,
    Channel.ONLINE: 190,
    Channel.LIAISON: 110,
    Channel.HAPPINESS_CENTER: 85,
    Channel.OPEN311: 12,
}
MINIMUM = {
    Channel.HOTLINE: 8,
    Channel.ONLINE: 3,
    Channel.LIAISON: 2,
    Channel.HAPPINESS_CENTER: 2,
    Channel.OPEN311: 1,
}
LEGACY_PER_YEAR = 157  # the article's count of legacy problems
LEGACY_MINIMUM = 3
# Legacy problems are taken up in the stocktake of the first weeks.
LEGACY_FROM, LEGACY_TO = YEAR_FROM, date(2026, 3, 13)
# A legacy problem is worked in rounds of its reply clock: each round ends in a stage reply
# that the coordinator sends back (问题尚未解决，继续办理) until a round resolves it; then the
# reply is accepted, called back and closed. The chance that a round resolves it is drawn
# per problem: some are nearly hopeless, most give way after a few rounds.
LEGACY_ROUND_ODDS = (0.04, 0.22)
LEGACY_SUPERVISE_AFTER_ROUNDS = 4
LEGACY_LATE_ROUND = 0.05
# Legacy problems come in on the hotline or through the liaisons' stocktake visits.
LEGACY_BY_HOTLINE = 0.6
ONLINE_ACCOUNTS = 12
# Coffee Time: sessions on the Shuangliu rhythm; at a smaller scale a shorter season.
COFFEE_MINIMUM_DAYS = 15
COFFEE_INVITED = (8, 12)
COFFEE_ISSUES = (1, 4)
COFFEE_SOLVED_ON_SPOT = 0.35
DISTRICT_GOVERNMENT = "双流区人民政府（演示）"
DISTRICT_HEADS = ("区长", "副区长", "副区长", "副区长", "副区长")

HOURS = TimeUnit.HOURS
WORKING_HOURS = TimeUnit.WORKING_HOURS


@dataclass
class Odds:
    """How the people behave: the shares of each detour (the rest go straight through)."""

    dispatch_late: float = 0.03
    sign_late: float = 0.06
    request_return: float = 0.04
    return_rejected: float = 0.15
    extension: float = 0.05
    extension_rejected: float = 0.2
    reply_late: float = 0.07
    send_back: float = 0.05
    no_contact: float = 0.03
    invalid_call: float = 0.02
    duplicate_call: float = 0.025
    consultation: float = 0.08
    callback_invalid: float = 0.01
    resolved: float = 0.94
    resolved_late: float = 0.8
    reopen_when_unsatisfied: float = 0.7


ODDS = Odds()


@dataclass
class Story:
    """What the demo remembers of one demand between its steps."""

    pk: int
    legacy: bool = False
    round_odds: float = 0.0
    rounds: int = 0
    returned: bool = False
    extension_asked: bool = False
    sent_back: bool = False
    reopen: bool = False
    reopened: int = 0
    resolves: bool = True
    plans: dict = field(default_factory=dict)


@dataclass
class Tally:
    created: dict = field(default_factory=dict)
    actions: int = 0
    refused: int = 0
    invalid: int = 0
    duplicates: int = 0
    answered_directly: int = 0
    sweep: dict = field(default_factory=lambda: {"urged": 0, "escalated": 0, "callback_todos": 0})
    coffee: dict = field(
        default_factory=lambda: {"sessions": 0, "held": 0, "issues": 0, "solved_on_spot": 0}
    )
    users: int = 0

    def count(self, channel: str) -> None:
        self.created[channel] = self.created.get(channel, 0) + 1


def seed_demands(seeder) -> dict:
    """Called at the end of DemoSeeder._run(); returns the measured figures of the year."""
    return DemandsDemo(seeder).run()


class DemandsDemo:
    def __init__(self, seeder):
        self.seeder = seeder
        self.admin = seeder.admin
        self.scale = seeder.scale
        self.random = random.Random(RANDOM_SEED)
        self.queue: list = []
        self.order = itertools.count()
        self.tally = Tally()
        self.officers: dict[int, object] = {}
        self.handlers: list[tuple[object, set[int]]] | None = None
        self.coordinators: dict[int, object] = {}
        self.recent: list[tuple[int, int, str, str]] = []  # (pk, enterprise, title, category)
        self.calendar = workcal.get_calendar(YEAR_FROM.year, YEAR_TO.year + 1)

    # ---- entry point --------------------------------------------------------------------

    def run(self) -> dict:
        if Demand.objects.exclude(channel=Channel.LIAISON).exists():
            return {}
        with simulated_time(_moment(YEAR_FROM - timedelta(days=3), 10)):
            categories_seed()
            happiness_seed()
            self._prepare_people()
        self.categories = {c.code: c for c in DemandCategory.objects.filter(is_active=True)}
        self.enterprises = list(
            Enterprise.objects.order_by("pk").values_list("pk", "uscc", "zone_id", "name")
        )
        if not self.enterprises:
            return {}
        self.zones = {zone.pk: zone for zone in Zone.objects.order_by("code")}
        self.phones = self._contact_phones()
        self._plan_year()
        self._loop()
        return self._figures()

    # ---- the simulation -----------------------------------------------------------------

    def _at(self, moment: datetime, handler, *args) -> None:
        heapq.heappush(self.queue, (moment, next(self.order), handler, args))

    def _loop(self) -> None:
        end = datetime.combine(YEAR_TO, time(23, 59), tzinfo=SHANGHAI)
        while self.queue:
            moment, _, handler, args = heapq.heappop(self.queue)
            if moment > end:
                break
            with simulated_time(moment):
                handler(moment, *args)

    def _plan_year(self) -> None:
        for day in self._working_days(YEAR_FROM, YEAR_TO):
            self._at(_moment(day, 9), self._sweep)
        for channel in (Channel.HOTLINE, Channel.ONLINE, Channel.OPEN311):
            for moment in self._arrivals(channel, YEAR_FROM, YEAR_TO):
                self._at(moment, self._arrive, channel)
        for moment in self._arrivals(Channel.HAPPINESS_CENTER, YEAR_FROM, YEAR_TO):
            self._at(moment, self._happiness)
        self._plan_liaison()
        count = max(LEGACY_MINIMUM, round(LEGACY_PER_YEAR * self.scale))
        for moment in self._office_moments(count, LEGACY_FROM, LEGACY_TO):
            self._at(moment, self._legacy)
        self._at(_moment(YEAR_FROM, 8), self._coffee_schedule)

    def _sweep(self, moment) -> None:
        result = demands_sweep(actor=None)
        for key, value in result.items():
            self.tally.sweep[key] = self.tally.sweep.get(key, 0) + value

    # ---- time ---------------------------------------------------------------------------

    def _working_days(self, first: date, last: date) -> list[date]:
        days = (first + timedelta(days=n) for n in range((last - first).days + 1))
        return [day for day in days if self.calendar.is_working(day)]

    def _office(self, moment: datetime, hours: float = 0.0) -> datetime:
        """`hours` working hours after `moment` (at least the next office minute)."""
        return workcal.add(moment, round(max(hours, 0.02), 2), WORKING_HOURS)

    def _office_moments(self, count: int, first: date, last: date) -> list[datetime]:
        days = self._working_days(first, last)
        moments = []
        for _ in range(count):
            day = days[self.random.randrange(len(days))]
            moments.append(self._office(_moment(day, 9), self.random.uniform(0, 6.8)))
        return moments

    def _arrivals(self, channel: str, first: date, last: date) -> list[datetime]:
        """The hotline runs day and night (most calls in office hours); online and Open311
        reports come at any hour."""
        count = max(MINIMUM[channel], round(PER_YEAR[channel] * self.scale))
        office_share = {Channel.HOTLINE: 0.8, Channel.HAPPINESS_CENTER: 1.0}.get(channel, 0.55)
        moments = []
        span = (last - first).days + 1
        for _ in range(count):
            if self.random.random() < office_share:
                moments += self._office_moments(1, first, last)
            else:
                day = first + timedelta(days=self.random.randrange(span))
                minute = self.random.randrange(7 * 60, 23 * 60)
                moments.append(_moment(day, 0) + timedelta(minutes=minute))
        return moments

    def _next_working_day(self, moment: datetime) -> date:
        day = moment.astimezone(SHANGHAI).date() + timedelta(days=1)
        while not self.calendar.is_working(day):
            day += timedelta(days=1)
        return day

    # ---- people -------------------------------------------------------------------------

    def _prepare_people(self) -> None:
        self.hotline = self._role_user(Role.HOTLINE_OPERATOR) or self._hotline_user()
        self.leader = self._role_user(Role.LEADER)
        self.open311_client = self._open311_client()
        self.zone_officers = {}
        for assignment in RoleAssignment.objects.filter(
            role=Role.ZONE_OFFICER, scope_kind=ScopeKind.ZONE
        ).order_by("pk"):
            self.zone_officers.setdefault(assignment.zone_id, assignment.user)
        self.accounts = self._online_accounts()
        self._district_government()

    def _role_user(self, role: str):
        assignment = (
            RoleAssignment.objects.filter(role=role, user__is_active=True)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        return assignment.user if assignment else None

    def _new_user(self, username: str, full_name: str, role: str, scope_kind: str, scope=None):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            user = org.user_create(
                actor=self.admin,
                username=username,
                password=self.seeder.password,
                full_name=full_name,
                email=f"{username}@onezone.local",
            )
            org.role_assign(
                actor=self.admin, user=user, role=role, scope_kind=scope_kind, scope=scope
            )
            self.tally.users += 1
        return user

    def _hotline_user(self):
        return self._new_user(
            "demands_hotline", "热线话务员（演示）", Role.HOTLINE_OPERATOR, ScopeKind.DISTRICT
        )

    def _open311_client(self):
        """The city's 12345 platform reports through Open311 with an API token of its own."""
        username = "open311_client"
        exists = get_user_model().objects.filter(username=username).exists()
        user = self._new_user(
            username, "12345平台接口（演示）", Role.HOTLINE_OPERATOR, ScopeKind.DISTRICT
        )
        if not exists:
            token_create(user=user, actor=self.admin)  # the secret is shown once: not kept
        return user

    def _online_accounts(self) -> list[tuple[object, int]]:
        """Enterprise users who raise demands online: the confirmed members there are, and a
        few more signed up for the demo."""
        accounts = [
            (membership.user, membership.enterprise_id)
            for membership in EnterpriseMembership.objects.filter(
                status=MembershipStatus.CONFIRMED, enterprise__isnull=False
            )
            .select_related("user")
            .order_by("pk")
        ]
        wanted = max(2, round(ONLINE_ACCOUNTS * self.scale))
        taken = {enterprise_id for _user, enterprise_id in accounts}
        candidates = list(
            Enterprise.objects.exclude(pk__in=taken).order_by("pk")[: wanted * 20 + 1]
        )
        self.random.shuffle(candidates)
        for index, enterprise in enumerate(candidates[: max(0, wanted - len(accounts))]):
            accounts.append((self._account(index, enterprise), enterprise.pk))
        return accounts

    def _account(self, index: int, enterprise: Enterprise):
        username = f"demands_enterprise_{index + 1}"
        user = get_user_model().objects.filter(username=username).first()
        if user is not None:
            return user
        membership = enterprise_services.enterprise_signup(
            username=username,
            password=self.seeder.password,
            full_name=f"{enterprise.name}经办人（演示）",
            phone=f"1370000{index:04d}",
            uscc=enterprise.uscc,
            enterprise_name=enterprise.name,
            zone=enterprise.zone,
        )
        enterprise_services.membership_confirm(actor=self.admin, membership=membership)
        self.tally.users += 1
        return membership.user

    def _district_government(self) -> None:
        """Coffee Time is hosted by the district head and deputies: the demo org chart has no
        district government, so one is made here with a leadership unit and five posts."""
        if Body.objects.filter(name=DISTRICT_GOVERNMENT).exists():
            return
        body = org.body_create(
            actor=self.admin,
            name=DISTRICT_GOVERNMENT,
            short_name="区政府",
            kind=BodyKind.OTHER,
            headcount_quota=len(DISTRICT_HEADS) + 3,
        )
        unit = org.unit_create(
            actor=self.admin, body=body, name="领导班子", kind=UnitKind.OTHER, front_line=False
        )
        for title in DISTRICT_HEADS:
            self.seeder._post(self.seeder._new_person(), unit, title, is_leader=True)

    def _coordinator(self, demand: Demand):
        """Who coordinates: the hotline for what it took; the zone's officer for what the
        zone's enterprise service received (the hotline where the zone has no officer)."""
        if demand.channel in (Channel.HOTLINE, Channel.OPEN311):
            return self.hotline
        return self.zone_officers.get(demand.zone_id) or self.hotline

    def _officer(self, demand: Demand):
        """A login that handles the lead unit: an existing officer if one does (unit-scoped
        first), else a unit-scoped officer account made for the demo."""
        unit_id = demand.lead_unit_id
        if unit_id in self.officers:
            return self.officers[unit_id]
        if self.handlers is None:
            rank = {ScopeKind.UNIT: 0, ScopeKind.BODY: 1, ScopeKind.ZONE: 2}
            assignments = RoleAssignment.objects.filter(
                role__in=[Role.ZONE_OFFICER, Role.BUREAU_OFFICER], user__is_active=True
            ).select_related("user")
            ordered = sorted(assignments, key=lambda a: (rank.get(a.scope_kind, 3), a.pk))
            seen, self.handlers = set(), []
            for assignment in ordered:
                if assignment.user_id not in seen:
                    seen.add(assignment.user_id)
                    user = assignment.user
                    self.handlers.append((user, demand_access.handled_unit_ids(user)))
        officer = next((user for user, units in self.handlers if unit_id in units), None)
        if officer is None:
            officer = self._unit_officer(demand.lead_unit)
        self.officers[unit_id] = officer
        return officer

    def _unit_officer(self, unit: Unit):
        is_zone_side = bool(unit.body.zone_id or unit.body.merged_with_id or unit.stationed_in_id)
        return self._new_user(
            f"demands_officer_{unit.pk}",
            f"{unit}诉求承办人（演示）",
            Role.ZONE_OFFICER if is_zone_side else Role.BUREAU_OFFICER,
            ScopeKind.UNIT,
            unit,
        )

    # ---- texts --------------------------------------------------------------------------

    def _contact_phones(self) -> dict[int, str]:
        phones = {}
        for enterprise_id, phone in (
            EnterpriseContact.objects.exclude(phone="")
            .order_by("-is_primary", "pk")
            .values_list("enterprise_id", "phone")
        ):
            phones.setdefault(enterprise_id, phone)
        return phones

    def _category(self, topic: data.Topic) -> DemandCategory:
        for code in topic.categories:
            if code in self.categories:
                return self.categories[code]
        return self.categories.get(GENERAL_CATEGORY) or next(iter(self.categories.values()))

    def _fill(self, text: str, name: str, zone: Zone | None) -> str:
        roads = data.ROADS.get(getattr(zone, "code", ""), data.ROADS_ANY)
        return text.format(
            enterprise=name or "来电企业",
            road=self.random.choice(roads),
            number=self.random.randint(2, 60),
            days=self.random.randint(5, 40),
        )

    def _caller(self) -> str:
        return self.random.choice(data.SURNAMES) + self.random.choice(data.CALLER_TITLES)

    def _enterprise(self, zone_id: int | None = None):
        pool = self.enterprises
        if zone_id is not None:
            pool = [row for row in pool if row[2] == zone_id] or pool
        return pool[self.random.randrange(len(pool))]

    # ---- arrivals -----------------------------------------------------------------------

    def _arrive(self, moment, channel: str) -> None:
        draw = self.random.random()
        if channel == Channel.HOTLINE and draw < ODDS.invalid_call:
            self._invalid_call(moment)
        elif channel == Channel.HOTLINE and draw < ODDS.invalid_call + ODDS.duplicate_call:
            self._duplicate_call(moment) or self._raise(moment, channel)
        elif channel == Channel.HOTLINE and draw < (
            ODDS.invalid_call + ODDS.duplicate_call + ODDS.consultation
        ):
            self._consultation(moment)
        else:
            self._raise(moment, channel)

    def _raise(self, moment, channel: str) -> None:
        topic = self.random.choice(data.TOPICS)
        fields = {}
        if channel == Channel.ONLINE:
            actor, enterprise_id = self.accounts[self.random.randrange(len(self.accounts))]
            row = next(row for row in self.enterprises if row[0] == enterprise_id)
        elif channel == Channel.OPEN311:
            actor, row = self.open311_client, self._enterprise()
            fields["open311_token"] = f"demo-{self.random.getrandbits(48):012x}"
            fields["is_public"] = self.random.random() < 0.5
        else:
            actor, row = self.hotline, self._enterprise()
            fields["caller_name"] = self._caller()
        pk, uscc, zone_id, name = row
        # Some callers give no enterprise: a phone number and the zone are enough.
        without_enterprise = channel != Channel.ONLINE and self.random.random() < 0.12
        if "caller_name" in fields:
            known = "" if without_enterprise else self.phones.get(pk, "")
            fields["caller_phone"] = known or _mobile(self.random)
        zone = self.zones[zone_id]
        demand = self._create(
            moment,
            actor=actor,
            channel=channel,
            category=self._category(topic),
            title=topic.title,
            description=self._fill(topic.description, "" if without_enterprise else name, zone),
            priority=topic.priority,
            enterprise=None if without_enterprise else uscc,
            zone=zone,
            address=self._fill("四川省成都市双流区{road}{number}号", "", zone),
            **fields,
        )
        if demand is not None:
            self.recent.append(
                (demand.pk, None if without_enterprise else pk, topic.title, demand.category_id)
            )
            self._begin(demand, moment)

    def _create(self, moment, **values) -> Demand | None:
        try:
            demand = demand_create(**values)
        except (ValidationError, PermissionDenied, ConflictError):
            self.tally.refused += 1
            return None
        self.tally.count(demand.channel)
        return demand

    def _invalid_call(self, moment) -> None:
        title, description, reason = self.random.choice(data.INVALID_CALLS)
        zone = self.zones[self._enterprise()[2]]
        demand = self._create(
            moment,
            actor=self.hotline,
            channel=Channel.HOTLINE,
            category=self.categories.get(GENERAL_CATEGORY) or self._category(data.TOPICS[0]),
            title=title,
            description=description,
            priority=Priority.ORDINARY,
            zone=zone,
            caller_name=self._caller(),
            caller_phone=_mobile(self.random),
        )
        if demand is not None:
            later = moment + timedelta(minutes=self.random.randint(2, 20))
            self._at(later, self._mark_invalid, demand.pk, reason)

    def _mark_invalid(self, moment, pk: int, reason: str) -> None:
        demand_mark_invalid(actor=self.hotline, demand=Demand(pk=pk), reason=reason)
        self.tally.invalid += 1

    def _duplicate_call(self, moment) -> bool:
        """The same enterprise calls again about a demand still open: recorded, then linked
        to the original by the operator."""
        open_pks = set(
            Demand.objects.filter(pk__in=[row[0] for row in self.recent[-60:]], is_invalid=False)
            .exclude(state=DemandState.CLOSED)
            .values_list("pk", flat=True)
        )
        candidates = [row for row in self.recent[-60:] if row[0] in open_pks and row[1]]
        if not candidates:
            return False
        original_pk, enterprise_id, title, category = self.random.choice(candidates)
        pk, uscc, zone_id, name = next(row for row in self.enterprises if row[0] == enterprise_id)
        demand = self._create(
            moment,
            actor=self.hotline,
            channel=Channel.HOTLINE,
            category=category,
            title=f"再次来电：{title}",
            description=f"{name}再次来电反映此前诉求，希望加快办理。",
            priority=Priority.ORDINARY,
            enterprise=uscc,
            zone=self.zones[zone_id],
            caller_name=self._caller(),
            caller_phone=self.phones.get(pk, "") or _mobile(self.random),
        )
        if demand is not None:
            later = moment + timedelta(minutes=self.random.randint(3, 30))
            self._at(later, self._mark_duplicate, demand.pk, original_pk)
        return True

    def _mark_duplicate(self, moment, pk: int, original_pk: int) -> None:
        demand_mark_duplicate(
            actor=self.hotline, demand=Demand(pk=pk), original=Demand.objects.get(pk=original_pk)
        )
        self.tally.duplicates += 1

    def _consultation(self, moment) -> None:
        title, description, answer = self.random.choice(data.CONSULTATIONS)
        pk, uscc, zone_id, name = self._enterprise()
        demand = self._create(
            moment,
            actor=self.hotline,
            channel=Channel.HOTLINE,
            category=self.categories.get("licence_consult")
            or self.categories.get(GENERAL_CATEGORY),
            title=title,
            description=description.format(enterprise=name),
            priority=Priority.ORDINARY,
            enterprise=uscc,
            zone=self.zones[zone_id],
            caller_name=self._caller(),
            caller_phone=self.phones.get(pk, "") or _mobile(self.random),
        )
        if demand is not None:
            later = moment + timedelta(minutes=self.random.randint(2, 8))
            self._at(later, self._answer, demand.pk, answer)

    def _answer(self, moment, pk: int, answer: str) -> None:
        self._do(Story(pk), self.hotline, "answer_directly", {"content": answer})
        self.tally.answered_directly += 1

    def _legacy(self, moment) -> None:
        topic = self.random.choice(data.LEGACY_TOPICS)
        pk, uscc, zone_id, name = self._enterprise()
        zone = self.zones[zone_id]
        if self.random.random() < LEGACY_BY_HOTLINE:
            actor, channel = self.hotline, Channel.HOTLINE
            caller = {"caller_name": self._caller(), "caller_phone": self.phones.get(pk, "")}
        else:
            actor, channel = self.zone_officers.get(zone_id) or self.hotline, Channel.LIAISON
            caller = {}
        demand = self._create(
            moment,
            actor=actor,
            channel=channel,
            category=self._category(topic),
            title=topic.title,
            description=self._fill(topic.description, name, zone),
            priority=Priority.COMPLEX,
            enterprise=uscc,
            zone=zone,
            is_legacy=True,
            **caller,
        )
        if demand is not None:
            odds = self.random.uniform(*LEGACY_ROUND_ODDS)
            self._plan(Story(demand.pk, legacy=True, round_odds=odds), demand, moment)

    # ---- liaison visits -----------------------------------------------------------------

    def _plan_liaison(self) -> None:
        """Issues raised in liaison visits become demands through the visit-issue handler.
        Demands the enterprise year's visits already opened are worked like the others; the
        demo records more visits only up to the year's number."""
        adopted = Demand.objects.filter(
            channel=Channel.LIAISON,
            state=DemandState.ACCEPTED,
            is_legacy=False,
            accepted_at__date__range=(YEAR_FROM, YEAR_TO),
        ).order_by("accepted_at", "pk")
        for demand in adopted:
            self.tally.count(Channel.LIAISON)
            self._at(demand.accepted_at + timedelta(minutes=1), self._adopt, demand.pk)
        wanted = max(MINIMUM[Channel.LIAISON], round(PER_YEAR[Channel.LIAISON] * self.scale))
        missing = wanted - len(adopted)
        if missing <= 0:
            return
        liaisons = list(
            ServiceAssignment.objects.filter(role=ServiceRole.LIAISON, end_on__isnull=True)
            .select_related("post__person__user", "enterprise")
            .order_by("pk")
        )
        if not liaisons:
            return
        for moment in self._office_moments(missing, YEAR_FROM, YEAR_TO):
            self._at(moment, self._visit, liaisons[self.random.randrange(len(liaisons))])

    def _adopt(self, moment, pk: int) -> None:
        demand = Demand.objects.get(pk=pk)
        if demand.state == DemandState.ACCEPTED:
            self._begin(demand, moment)

    def _visit(self, moment, assignment: ServiceAssignment) -> None:
        person = assignment.post.person
        topic = self.random.choice(data.TOPICS)
        enterprise = assignment.enterprise
        text = self._fill(topic.description, enterprise.name, enterprise.zone)
        before = set(
            VisitIssue.objects.filter(visit__enterprise=enterprise).values_list("pk", flat=True)
        )
        try:
            visit = enterprise_services.visit_record(
                actor=person.user or self.admin,
                enterprise=enterprise,
                visited_on=moment.astimezone(SHANGHAI).date(),
                mode="on_site",
                visitor=person,
                participants="企业负责人",
                notes=self.random.choice(data.VISIT_NOTES),
                issues=[text],
            )
        except (ValidationError, PermissionDenied, ConflictError):
            self.tally.refused += 1
            return
        references = [
            issue.demand_reference
            for issue in visit.issues.all()
            if issue.pk not in before and issue.demand_reference
        ]
        for demand in Demand.objects.filter(reference__in=references):
            self.tally.count(Channel.LIAISON)
            self._begin(demand, moment)

    # ---- Happiness Center ---------------------------------------------------------------

    def _happiness(self, moment) -> None:
        services = list(HappinessService.objects.filter(is_active=True).order_by("sort_order"))
        if not services:
            return
        service = self.random.choice(services)
        if self.random.random() < 0.5:
            actor, enterprise_id = self.accounts[self.random.randrange(len(self.accounts))]
            enterprise = Enterprise.objects.get(pk=enterprise_id)
        else:
            actor = self.hotline
            enterprise = Enterprise.objects.get(pk=self._enterprise()[0])
        text = next(
            (
                text
                for words, text in data.HAPPINESS_REQUESTS
                if any(w in service.name for w in words)
            ),
            data.HAPPINESS_GENERIC,
        )
        try:
            demand = happiness_request(
                actor=actor,
                service=service,
                enterprise=enterprise,
                description=self._fill(text, enterprise.name, enterprise.zone),
                caller_name=self._caller(),
                caller_phone=self.phones.get(enterprise.pk, ""),
            )
        except (ValidationError, PermissionDenied, ConflictError):
            self.tally.refused += 1
            return
        self.tally.count(Channel.HAPPINESS_CENTER)
        self._begin(demand, moment)

    # ---- Coffee Time ----------------------------------------------------------------------

    def _coffee_schedule(self, moment) -> None:
        days = max(COFFEE_MINIMUM_DAYS, round((YEAR_TO - YEAR_FROM).days * self.scale))
        end = min(YEAR_TO, YEAR_FROM + timedelta(days=days))
        sessions = coffee_services.coffee_schedule_generate(
            actor=self.admin, start=YEAR_FROM, end=end
        )
        self.tally.coffee["sessions"] += len(sessions)
        zones = list(self.zones.values())
        for index, session in enumerate(sessions):
            zone = zones[index % len(zones)]
            ready = _moment(session.held_on - timedelta(days=7), 10)
            self._at(
                max(ready, moment + timedelta(minutes=index + 1)),
                self._coffee_invite,
                session.pk,
                zone,
            )

    def _coffee_invite(self, moment, session_pk: int, zone: Zone) -> None:
        session = CoffeeSession.objects.get(pk=session_pk)
        theme = self.random.choice(data.COFFEE_THEMES)
        departments = list(
            Body.objects.filter(kind__in=[BodyKind.FUNCTIONAL, BodyKind.SECTORAL]).order_by("pk")
        )
        chosen = self.random.sample(departments, min(3, len(departments)))
        session = coffee_services.coffee_session_update(
            actor=self.admin, session=session, theme=theme, zone=zone, departments=chosen
        )
        members = [ent for user, ent in self.accounts]
        in_zone = [row[0] for row in self.enterprises if row[2] == zone.pk]
        own = [pk for pk in members if pk in set(in_zone)]
        count = min(len(in_zone), self.random.randint(*COFFEE_INVITED))
        others = self.random.sample(
            [pk for pk in in_zone if pk not in own], max(0, count - len(own))
        )
        invited = list(Enterprise.objects.filter(pk__in=own + others).order_by("pk"))
        coffee_services.coffee_invite(actor=self.admin, session=session, enterprises=invited)
        for user, enterprise_id in self.accounts:
            if enterprise_id in own and self.random.random() < 0.8:
                later = moment + timedelta(days=self.random.uniform(0.5, 5))
                self._at(later, self._coffee_sign_up, session_pk, user, enterprise_id)
        held = _moment(session.held_on, 15)
        self._at(held, self._coffee_hold, session_pk)

    def _coffee_sign_up(self, moment, session_pk: int, user, enterprise_id: int) -> None:
        try:
            coffee_services.coffee_sign_up(
                actor=user,
                session=CoffeeSession.objects.get(pk=session_pk),
                enterprise=Enterprise.objects.get(pk=enterprise_id),
            )
        except (ConflictError, PermissionDenied):
            self.tally.refused += 1

    def _coffee_hold(self, moment, session_pk: int) -> None:
        session = CoffeeSession.objects.get(pk=session_pk)
        participants = list(session.participants.select_related("enterprise").order_by("pk"))
        present = [
            p.enterprise
            for p in participants
            if self.random.random() < (0.9 if p.signed_up_at else 0.6)
        ]
        coffee_services.coffee_presence_mark(actor=self.admin, session=session, present=present)
        self.tally.coffee["held"] += 1
        issues = {"issues": 0, "solved": 0, "demands": 0}
        for index in range(self.random.randint(*COFFEE_ISSUES) if present else 0):
            enterprise = self.random.choice(present)
            at = moment + timedelta(minutes=20 * (index + 1))
            with simulated_time(at):
                self._coffee_issue(at, session, enterprise, issues)
        report_day = self._next_working_day(moment + timedelta(days=1))
        self._at(
            self._office(_moment(report_day, 9), self.random.uniform(0.5, 5)),
            self._coffee_report,
            session_pk,
            issues,
        )

    def _coffee_issue(self, moment, session, enterprise, issues: dict) -> None:
        topic = self.random.choice(data.TOPICS)
        text = self._fill(topic.description, enterprise.name, enterprise.zone)
        issues["issues"] += 1
        self.tally.coffee["issues"] += 1
        if self.random.random() < COFFEE_SOLVED_ON_SPOT:
            coffee_services.coffee_issue_record(
                actor=self.admin,
                session=session,
                text=text,
                outcome=CoffeeIssueOutcome.SOLVED_ON_SPOT,
                enterprise=enterprise,
                solution=self.random.choice(data.COFFEE_SOLVED),
            )
            issues["solved"] += 1
            self.tally.coffee["solved_on_spot"] += 1
            return
        issue = coffee_services.coffee_issue_record(
            actor=self.admin,
            session=session,
            text=text,
            outcome=CoffeeIssueOutcome.DEMAND,
            enterprise=enterprise,
            category=self._category(topic),
            priority=topic.priority,
            title=topic.title,
        )
        issues["demands"] += 1
        self.tally.count(Channel.COFFEE_TIME)
        self._begin(issue.demand, moment)

    def _coffee_report(self, moment, session_pk: int, issues: dict) -> None:
        coffee_services.coffee_report(
            actor=self.admin,
            session=CoffeeSession.objects.get(pk=session_pk),
            text=data.COFFEE_REPORT.format(**issues),
        )

    # ---- one demand's story -----------------------------------------------------------

    def _begin(self, demand: Demand, moment: datetime) -> None:
        story = Story(demand.pk)
        story.plans = {
            "return": self.random.random() < ODDS.request_return,
            "extension": self.random.random() < ODDS.extension,
            "no_contact": self.random.random() < ODDS.no_contact,
            "late_reply": self.random.random() < ODDS.reply_late,
            "send_back": self.random.random() < ODDS.send_back,
        }
        self._plan(story, demand, moment)

    def _plan(self, story: Story, demand: Demand, moment: datetime) -> None:
        """Schedule the demand's next step from its state."""
        step = getattr(self, f"_next_{demand.state}", None)
        if step is not None:
            step(story, demand, moment)

    def _do(self, story: Story, actor, action: str, values: dict | None = None):
        try:
            demand = demand_act(
                actor=actor, demand=Demand(pk=story.pk), action=action, data=values or {}
            )
        except (ConflictError, PermissionDenied, ValidationError):
            self.tally.refused += 1
            return None
        self.tally.actions += 1
        return demand

    def _then(self, story: Story, when: datetime, actor_of, action: str, values=None) -> None:
        self._at(when, self._step, story, actor_of, action, values)

    def _step(self, moment, story: Story, actor_of, action: str, values) -> None:
        demand = Demand.objects.select_related("lead_unit__body", "clock").get(pk=story.pk)
        if demand.state == DemandState.CLOSED:
            return
        values = values(demand) if callable(values) else values
        demand = self._do(story, actor_of(demand), action, values)
        if demand is not None:
            self._after(story, demand, action, moment)

    def _after(self, story: Story, demand: Demand, action: str, moment: datetime) -> None:
        if action == "reopen":
            story.reopened += 1
        self._plan(story, demand, moment)

    # one method per state: what happens next, and when

    def _next_accepted(self, story: Story, demand: Demand, moment: datetime) -> None:
        amount, _unit = _limit(demand)
        late = self.random.random() < ODDS.dispatch_late
        share = self.random.uniform(1.1, 2.0) if late else self.random.uniform(0.02, 0.4)
        when = moment + timedelta(hours=float(amount) * share)
        values = {"unclear": True} if story.returned else {}
        self._then(story, when, self._coordinator, "dispatch", values)

    def _next_dispatched(self, story: Story, demand: Demand, moment: datetime) -> None:
        if story.plans.get("return") and not story.returned:
            story.returned = True
            when = moment + timedelta(hours=self.random.uniform(0.2, 1.5))
            reason = self.random.choice(data.RETURN_REASONS)
            self._then(story, when, self._officer, "request_return", {"reason": reason})
            return
        late = self.random.random() < ODDS.sign_late
        hours = self.random.uniform(2.2, 8) if late else self.random.uniform(0.05, 1.7)
        self._then(story, moment + timedelta(hours=hours), self._officer, "sign")

    def _next_return_requested(self, story: Story, demand: Demand, moment: datetime) -> None:
        when = moment + timedelta(hours=self.random.uniform(0.2, 1.5))
        if self.random.random() < ODDS.return_rejected:
            reason = "经核实属于本单位职责，请按时签收办理。"
            self._then(story, when, self._coordinator, "reject_return", {"reason": reason})
        else:
            self._then(story, when, self._coordinator, "approve_return")

    def _next_in_progress(self, story: Story, demand: Demand, moment: datetime) -> None:
        if demand.first_contact_at is None and not story.plans.get("no_contact"):
            hours = self.random.uniform(0.1, 3) if _in_hours(demand) else None
            when = (
                moment + timedelta(hours=hours)
                if hours
                else self._office(moment, self.random.uniform(0.3, 6))
            )
            note = "已电话联系企业了解详细情况。"
            self._then(story, when, self._officer, "contact", {"note": note})
            return
        wants_extension = (
            story.plans.get("extension") or (story.legacy and story.rounds == 0)
        ) and self.random.random() < (0.6 if story.legacy else 1.0)
        may_extend = not (story.extension_asked or demand.extension_approved or _in_hours(demand))
        if wants_extension and may_extend:
            story.extension_asked = True
            when = self._office(moment, self.random.uniform(2, 20))
            values = {
                "working_days": self.random.randint(5, 15),
                "reason": self.random.choice(data.EXTENSION_REASONS),
            }
            self._then(story, when, self._officer, "request_extension", values)
            return
        self._plan_reply(story, demand, moment)

    def _plan_reply(self, story: Story, demand: Demand, moment: datetime) -> None:
        clock = demand.clock
        late = (story.plans.get("late_reply") and story.rounds == 0) or (
            story.legacy and self.random.random() < LEGACY_LATE_ROUND
        )
        # Most late replies are a day or two over; a few run on until the sweep escalates.
        overrun = (1.05, 1.35) if self.random.random() < 0.8 else (1.5, 2.5)
        share = self.random.uniform(*overrun) if late else self.random.uniform(0.15, 0.95)
        if story.legacy:
            share = self.random.uniform(1.05, 1.6) if late else self.random.uniform(0.5, 0.97)
            story.resolves = self.random.random() < story.round_odds
        if clock is None or demand.due_at is None:
            when = self._office(moment, 4)
        elif _in_hours(demand):
            when = clock.started_at + (demand.due_at - clock.started_at) * share
        else:
            span = workcal.elapsed(clock.started_at, demand.due_at, WORKING_HOURS)
            when = self._office(clock.started_at, span * share)
        when = max(when, moment + timedelta(minutes=5))
        self._then(story, when, self._officer, "reply", {"content": self._reply_text(story)})

    def _reply_text(self, story: Story) -> str:
        if story.legacy:
            texts = data.LEGACY_SOLVED if story.resolves else data.LEGACY_PROGRESS
            return self.random.choice(texts)
        return self.random.choice(data.REPLIES).format(days=self.random.randint(1, 7))

    def _next_extension_requested(self, story: Story, demand: Demand, moment: datetime) -> None:
        when = self._office(moment, self.random.uniform(0.5, 6))
        if self.random.random() < ODDS.extension_rejected:
            reason = "办理时限内可以完成，请按期答复。"
            self._then(story, when, self._coordinator, "reject_extension", {"reason": reason})
        else:
            self._then(story, when, self._coordinator, "approve_extension")

    def _next_replied(self, story: Story, demand: Demand, moment: datetime) -> None:
        story.rounds += 1
        when = moment + timedelta(hours=self.random.uniform(0.3, 5))
        if story.legacy and not story.resolves:
            values = {"decision": "send_back", "reason": data.LEGACY_SEND_BACK}
            if story.rounds == LEGACY_SUPERVISE_AFTER_ROUNDS and self.leader:
                reason = self.random.choice(data.SUPERVISE_REASONS)
                self._at(when + timedelta(hours=1), self._supervise, story, reason)
        elif story.plans.get("send_back") and not story.sent_back:
            story.sent_back = True
            reason = self.random.choice(data.SEND_BACK_REASONS)
            values = {"decision": "send_back", "reason": reason}
        else:
            values = {"decision": "accept"}
        self._then(story, when, self._coordinator, "review", values)

    def _next_reviewed(self, story: Story, demand: Demand, moment: datetime) -> None:
        day = self._next_working_day(demand.replied_at or moment)
        when = self._office(_moment(day, 9), self.random.uniform(0.5, 6.5))
        self._then(story, when, self._coordinator, "callback", self._callback_values(story))

    def _callback_values(self, story: Story):
        """The callback's answers, drawn when it is made (late replies satisfy less)."""

        def values(demand: Demand) -> dict:
            contacted = demand.first_contact_at is not None
            if story.legacy:
                return self._legacy_callback(story, contacted)
            if self.random.random() < ODDS.callback_invalid:
                story.reopen = False
                return _callback(False, False, False, Satisfaction.BASICALLY_SATISFIED)
            odds = ODDS.resolved if demand.reply_on_time else ODDS.resolved_late
            resolved = self.random.random() < odds
            weights = (86, 12, 2) if demand.reply_on_time else (60, 30, 10)
            if not resolved:
                weights = (5, 35, 60)
            satisfaction = self.random.choices(list(Satisfaction.values), weights=weights)[0]
            at_fault = (
                satisfaction == Satisfaction.UNSATISFIED
                and story.reopened == 0
                and self.random.random() < ODDS.reopen_when_unsatisfied
            )
            story.reopen = at_fault
            note = self.random.choice(data.CALLBACK_NOTES[satisfaction])
            return _callback(True, contacted, resolved, satisfaction, at_fault, note)

        return values

    def _legacy_callback(self, story: Story, contacted: bool) -> dict:
        """Called back once a round has resolved it: the enterprise confirms."""
        story.reopen = False
        satisfaction = self.random.choices(
            [Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED], weights=(80, 20)
        )[0]
        return _callback(True, contacted, True, satisfaction, note="历史遗留问题已解决。")

    def _next_callback_done(self, story: Story, demand: Demand, moment: datetime) -> None:
        when = moment + timedelta(minutes=self.random.randint(5, 90))
        if story.reopen:
            reason = self.random.choice(data.REOPEN_REASONS)
            self._then(story, when, self._coordinator, "reopen", {"reason": reason})
        else:
            self._then(story, when, self._coordinator, "close")

    def _supervise(self, moment, story: Story, reason: str) -> None:
        demand = Demand.objects.get(pk=story.pk)
        if demand.state != DemandState.CLOSED and not demand.is_supervised:
            self._do(story, self.leader, "supervise", {"reason": reason})

    # ---- figures ----------------------------------------------------------------------------

    def _figures(self) -> dict:
        report = self.seeder.report
        report.count("demands", sum(self.tally.created.values()))
        report.count("demand actions", self.tally.actions)
        report.count("users", self.tally.users)
        report.count("coffee time sessions", self.tally.coffee["sessions"])
        year = Demand.objects.filter(accepted_at__date__range=(YEAR_FROM, YEAR_TO))
        end = datetime.combine(YEAR_TO, time(23, 59), tzinfo=SHANGHAI)
        return {
            "channels": dict(
                year.values_list("channel").annotate(n=Count("pk")).order_by("channel")
            ),
            "closed": year.filter(state=DemandState.CLOSED, is_invalid=False).count(),
            "open": year.exclude(state=DemandState.CLOSED).count(),
            "open_overdue": year.exclude(state=DemandState.CLOSED).filter(due_at__lt=end).count(),
            "supervised": year.filter(is_supervised=True).count(),
            "invalid": year.filter(is_invalid=True).count(),
            "duplicates": year.filter(duplicate_of__isnull=False).count(),
            "actions": self.tally.actions,
            "refused": self.tally.refused,
            "sweep": dict(self.tally.sweep),
            "coffee": dict(self.tally.coffee),
            "kpis": demand_kpis(start=YEAR_FROM, end=YEAR_TO),
        }


# ---- small helpers ----------------------------------------------------------------------------


def _moment(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=SHANGHAI)


def _mobile(rng: random.Random) -> str:
    return "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))


def _limit(demand: Demand) -> tuple[float, str]:
    clock = demand.clock
    if clock is None:
        return 1.0, HOURS
    return float(clock.limit_amount), clock.limit_unit


def _in_hours(demand: Demand) -> bool:
    return _limit(demand)[1] in (HOURS, WORKING_HOURS)


def _mentions(text: str, words) -> bool:
    return any(word in text for word in words)


def _callback(valid, contacted, resolved, satisfaction, at_fault=False, note="") -> dict:
    return {
        "valid": valid,
        "contacted": contacted,
        "resolved": resolved,
        "satisfaction": satisfaction,
        "unit_at_fault": at_fault,
        "note": note,
    }


def figure_lines(figures: dict) -> list[str]:
    """The demo year's measured figures as lines for `onezone seed --demo` to print."""
    if not figures:
        return []
    kpis = figures["kpis"]
    channels = ", ".join(f"{count} {name}" for name, count in figures["channels"].items())

    def rate(key: str) -> str:
        return "—" if kpis[key] is None else f"{kpis[key]:.1%}"

    return [
        f"Demands {YEAR_FROM}…{YEAR_TO}: {channels}; {figures['closed']} closed, "
        f"{figures['open']} open ({figures['open_overdue']} overdue, "
        f"{figures['supervised']} supervised), {figures['invalid']} invalid, "
        f"{figures['duplicates']} duplicates.",
        f"  KPIs: response {rate('response_rate')}, resolution {rate('resolution_rate')}, "
        f"satisfaction {rate('satisfaction_rate')}, composite {rate('composite')}, "
        f"on-time signing {rate('on_time_sign_rate')}, on-time reply "
        f"{rate('on_time_reply_rate')}.",
        f"  Legacy problems resolved: {kpis['legacy_resolved']} of {kpis['legacy_total']} "
        f"({rate('legacy_resolution_rate')}).",
        f"  Coffee Time: {figures['coffee']['held']} sessions held, "
        f"{figures['coffee']['issues']} issues ({figures['coffee']['solved_on_spot']} solved "
        "on the spot).",
    ]
