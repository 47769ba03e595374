"""A demo year of one-stop applications, driven through the approvals services with a
simulated clock and a fixed random seed: founders start businesses (decided within hours),
enterprises go through pre-construction approval (about sixty working days, with corrections
and expert reviews) and open restaurants; some items run late and the sweep flags them;
applicants rate decided items. Nothing is written into rows directly."""

import heapq
import itertools
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from onezone.approvals import services
from onezone.approvals.access import handled_unit_ids
from onezone.approvals.choices import ApplicationState, FieldType, ItemCaseState
from onezone.approvals.models import Application, ItemCase, Journey
from onezone.approvals.selectors.outcomes import journey_outcomes
from onezone.approvals.services.materials import reusable_materials, spec_materials_of
from onezone.core import workcal
from onezone.core.choices import Role, ScopeKind, TimeUnit
from onezone.core.clock import simulated_time
from onezone.core.errors import ConflictError
from onezone.enterprises import services as enterprise_services
from onezone.enterprises.choices import MembershipStatus
from onezone.enterprises.models import Enterprise
from onezone.org import services as org
from onezone.org.models import Unit, Zone

SHANGHAI = ZoneInfo("Asia/Shanghai")
RANDOM_SEED = 20200525 + 5  # the seeder's seed, issue 5
YEAR_FROM = date(2025, 12, 1)
YEAR_TO = date(2026, 11, 26)
# Applications per year at full scale: a sample of the district's (each action writes its
# timeline, audit row, clock and PDF notice, about 50 ms on SQLite), so the year seeds in
# about a minute.
PER_YEAR = {"business_startup": 60, "construction_pre_start": 12, "food_business": 16}
MINIMUM = {"business_startup": 4, "construction_pre_start": 2, "food_business": 2}
FOUNDERS = 3
# A valid resident ID number (check digit per GB 11643).
ID_NUMBER = "11010519491231002X"
PDF = b"%PDF-1.4\n% synthetic demo material\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CORRECTION_REASONS = (
    "申请材料签章不完整，请补充加盖公章的申请表",
    "总平面图比例尺与设计图纸不一致，请更正后重新提交",
    "法定代表人身份证件复印件不清晰",
    "项目备案文件建设内容与申请不一致，请补充说明",
)
SPECIAL_REASONS = ("组织专家评审", "需要现场勘验", "依法举行听证")
NOT_ACCEPT_REASON = "申请事项不属于本机关职权范围，请向有关部门申请"
COMMENTS = {
    5: ("办理很快，窗口服务热情", "全程网办，一次都没跑", "当天就办好了", ""),
    4: ("整体顺利", "材料要求讲得清楚", ""),
    3: ("一般", "等待时间稍长"),
    2: ("补正次数多，希望一次告知清楚", "超过承诺时限才办结"),
    1: ("反复补正，耗时太长", "超期未办结，联系不上经办人"),
}


@dataclass
class Profile:
    """How officers and applicants of a journey behave (times in working hours unless said)."""

    accept_hours: tuple[float, float]
    # Share of the promised limit the decision takes after acceptance.
    decide_share: tuple[float, float]
    correction: float
    correction_days: tuple[float, float]  # calendar days the applicant takes
    special: float
    special_days: tuple[float, float]  # calendar days of the special procedure
    overdue: float
    not_accepted: float
    rating: float


PROFILES = {
    "business_startup": Profile(
        (0.1, 1.5), (0.1, 0.6), 0.05, (0.1, 1.2), 0, (0, 0), 0.02, 0.01, 0.6
    ),
    "construction_pre_start": Profile(
        (7, 21), (0.6, 1.0), 0.3, (3, 12), 0.12, (7, 20), 0.05, 0, 0.5
    ),
    "food_business": Profile((1, 7), (0.3, 0.9), 0.15, (1, 4), 0, (0, 0), 0.04, 0.02, 0.5),
}


@dataclass
class Tally:
    applications: int = 0
    actions: int = 0
    ratings: int = 0
    flagged_overdue: int = 0
    refused: int = 0
    users: int = 0
    flags: dict = field(default_factory=dict)


def seed_approvals(seeder) -> dict:
    """Called at the end of DemoSeeder.run(); returns the measured figures of the demo year."""
    return ApprovalsDemo(seeder).run()


class ApprovalsDemo:
    def __init__(self, seeder):
        self.seeder = seeder
        self.admin = seeder.admin
        self.scale = seeder.scale
        self.random = random.Random(RANDOM_SEED)
        self.queue: list = []
        self.order = itertools.count()
        self.tally = Tally()
        self.officers: dict[int, object] = {}
        self.handlers: list[tuple[object, set[int]]] = []
        self.planned: set[int] = set()
        self.calendar_hours = _hours_per_day()

    # ---- entry point --------------------------------------------------------------------

    def run(self) -> dict:
        journeys = {j.code: j for j in Journey.objects.filter(code__in=PER_YEAR, is_active=True)}
        if not journeys or Application.objects.filter(journey__in=journeys.values()).exists():
            return {}
        applicants = self._applicants(journeys)
        for code in sorted(journeys):
            self._plan_submissions(journeys[code], applicants)
        for day in self._working_days():
            self._at(datetime.combine(day, time(9, 0), tzinfo=SHANGHAI), self._sweep)
        self._loop()
        report = self.seeder.report
        report.count("applications", self.tally.applications)
        report.count("item case actions", self.tally.actions)
        report.count("ratings", self.tally.ratings)
        report.count("users", self.tally.users)
        return {
            code: journey_outcomes(journey=code, date_from=YEAR_FROM, date_to=YEAR_TO)
            for code in sorted(journeys)
        }

    # ---- the simulation ---------------------------------------------------------------------

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

    def _sweep(self, moment) -> None:
        self.tally.flagged_overdue += services.item_cases_mark_overdue()

    def _working_days(self) -> list[date]:
        calendar = workcal.get_calendar(YEAR_FROM.year, YEAR_TO.year)
        days = (YEAR_FROM + timedelta(days=n) for n in range((YEAR_TO - YEAR_FROM).days + 1))
        return [day for day in days if calendar.is_working(day)]

    def _plan_submissions(self, journey: Journey, applicants: dict) -> None:
        count = max(MINIMUM[journey.code], round(PER_YEAR[journey.code] * self.scale))
        days = self._working_days()
        zones = applicants["zones"][journey.code]
        for index in range(count):
            day = days[self.random.randrange(len(days))]
            minutes = self.random.randrange(0, 7 * 60)
            moment = workcal.add(
                datetime.combine(day, time(9, 0), tzinfo=SHANGHAI),
                round(minutes / 60, 2),
                TimeUnit.WORKING_HOURS,
            )
            zone = zones[index % len(zones)]
            if journey.needs_enterprise:
                applicant, uscc = applicants["enterprises"][zone.code]
            else:
                applicant, uscc = applicants["founders"][index % FOUNDERS], None
            self._at(moment, self._submit, journey, zone, applicant, uscc)

    def _submit(self, moment, journey: Journey, zone: Zone, applicant, uscc) -> None:
        form = _form_for(journey, uscc, self.random)
        try:
            application = services.application_create(
                actor=applicant,
                journey=journey.code,
                zone=zone.code,
                enterprise=uscc,
                form=form,
                draft=True,
            )
            self._attach_materials(applicant, application)
            services.application_submit(actor=applicant, application=application)
        except (ValidationError, ConflictError):
            self.tally.refused += 1
            return
        self.tally.applications += 1
        self._plan_new_cases(application, moment)

    def _attach_materials(self, applicant, application: Application) -> None:
        earlier = reusable_materials(actor=applicant, application=application)
        for material in spec_materials_of(application):
            if not material.is_required:
                continue
            if material.code in earlier:
                services.material_reuse(
                    actor=applicant, application=application, material=earlier[material.code]
                )
            else:
                upload = SimpleUploadedFile(f"{material.code}.pdf", PDF, "application/pdf")
                services.material_upload(
                    actor=applicant, application=application, code=material.code, uploaded=upload
                )

    def _plan_new_cases(self, application: Application, moment: datetime) -> None:
        cases = (
            application.item_cases.filter(state=ItemCaseState.RECEIVED)
            .exclude(pk__in=self.planned)
            .select_related("journey_item__spec", "holder_unit")
        )
        for case in cases:
            self.planned.add(case.pk)
            self._plan_case(application, case, moment)

    # ---- one item's story -----------------------------------------------------------------

    def _hours(self, start: datetime, hours: float) -> datetime:
        return workcal.add(start, round(max(hours, 0.05), 2), TimeUnit.WORKING_HOURS)

    def _office(self, moment: datetime) -> datetime:
        """The moment, or the next opening of the office after it."""
        return workcal.add(moment, 0.01, TimeUnit.WORKING_HOURS)

    def _plan_case(self, application: Application, case: ItemCase, received: datetime) -> None:
        profile = PROFILES[application.journey.code]
        rng = self.random
        officer = self._officer(case.holder_unit)
        applicant = application.applicant
        promised_hours = float(case.journey_item.spec.promised_limit_working_days) * (
            self.calendar_hours
        )
        steps = []
        moment = self._hours(received, rng.uniform(*profile.accept_hours))
        if rng.random() < profile.not_accepted:
            steps.append((moment, officer, "not_accept", NOT_ACCEPT_REASON))
            self._schedule(case, steps)
            return
        steps.append((moment, officer, "accept", ""))
        flags = {"correction": False, "overdue": False}
        # Working hours the holder unit spends from acceptance to decision (pauses aside).
        budget = promised_hours * rng.uniform(*profile.decide_share)
        if rng.random() < profile.overdue:
            flags["overdue"] = True
            budget = promised_hours + rng.uniform(2, 3 * self.calendar_hours)
        spent = 0.0
        if rng.random() < profile.correction:
            flags["correction"] = True
            spent = budget * rng.uniform(0.1, 0.4)
            moment = self._hours(moment, spent)
            steps.append((moment, officer, "request_correction", rng.choice(CORRECTION_REASONS)))
            moment = moment + timedelta(days=rng.uniform(*profile.correction_days))
            steps.append((moment, applicant, "supply_correction", ""))
        if rng.random() < profile.special:
            hours = min(rng.uniform(1, 14), max(budget - spent, 0.1) / 2)
            moment = self._hours(moment, hours)
            steps.append((moment, officer, "start_processing", ""))
            spent += hours
            hours = max(budget - spent, 0.1) * rng.uniform(0.2, 0.6)
            moment = self._hours(moment, hours)
            steps.append((moment, officer, "start_special", rng.choice(SPECIAL_REASONS)))
            spent += hours
            moment = self._office(moment + timedelta(days=rng.uniform(*profile.special_days)))
            steps.append((moment, officer, "end_special", ""))
        steps.append((self._hours(moment, budget - spent), officer, "approve", ""))
        self.tally.flags[case.pk] = flags
        self._schedule(case, steps)

    def _schedule(self, case: ItemCase, steps: list) -> None:
        # One step at a time: each waits for the one before it.
        first, *rest = steps
        self._at(first[0], self._act, case.pk, first, rest)

    def _act(self, moment, case_pk: int, step, rest: list) -> None:
        _, actor, action, reason = step
        try:
            case = services.item_case_act(
                actor=actor, item_case=ItemCase(pk=case_pk), action=action, reason=reason
            )
        except ConflictError:
            return  # the application closed meanwhile (another item failed)
        self.tally.actions += 1
        if rest:
            following = rest[0]
            when = max(following[0], moment + timedelta(seconds=1))
            self._at(when, self._act, case_pk, (when, *following[1:]), rest[1:])
            return
        application = case.application
        if application.state == ApplicationState.COMPLETED:
            self._plan_ratings(application, moment)
        elif application.state in {ApplicationState.SUBMITTED, ApplicationState.IN_PROGRESS}:
            self._plan_new_cases(application, moment)

    # ---- ratings ---------------------------------------------------------------------------

    def _plan_ratings(self, application: Application, moment: datetime) -> None:
        profile = PROFILES[application.journey.code]
        cases = application.item_cases.filter(state=ItemCaseState.APPROVED).order_by("pk")
        for case in cases:
            if self.random.random() < profile.rating:
                later = moment + timedelta(hours=self.random.uniform(1, 96))
                self._at(later, self._rate, application.applicant, case.pk)

    def _rate(self, moment, applicant, case_pk: int) -> None:
        flags = self.tally.flags.get(case_pk, {})
        if flags.get("overdue"):
            weights = (1, 2, 3, 2, 1)
        elif flags.get("correction"):
            weights = (1, 3, 4, 6, 4)
        else:
            weights = (0, 0, 1, 4, 12)
        score = self.random.choices((1, 2, 3, 4, 5), weights=weights)[0]
        comment = self.random.choice(COMMENTS[score])
        services.rating_submit(
            actor=applicant,
            item_case=ItemCase.objects.get(pk=case_pk),
            score=score,
            comment=comment,
        )
        self.tally.ratings += 1

    # ---- people ------------------------------------------------------------------------------

    def _officer(self, unit: Unit):
        """A login that handles the unit: an existing demo officer if one does, else a
        unit-scoped officer account made for the demo."""
        if unit.pk in self.officers:
            return self.officers[unit.pk]
        if not self.handlers:
            User = get_user_model()
            for user in (
                User.objects.filter(roles__role__in=[Role.ZONE_OFFICER, Role.BUREAU_OFFICER])
                .distinct()
                .order_by("pk")
            ):
                self.handlers.append((user, handled_unit_ids(user)))
        officer = next((user for user, units in self.handlers if unit.pk in units), None)
        if officer is None:
            officer = self._unit_officer(unit)
        self.officers[unit.pk] = officer
        return officer

    def _unit_officer(self, unit: Unit):
        username = f"approvals_officer_{unit.pk}"
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            user = org.user_create(
                actor=self.admin,
                username=username,
                password=self.seeder.password,
                full_name=f"{unit}经办人（演示）",
                email=f"{username}@onezone.local",
            )
            is_zone_side = bool(unit.body.zone_id or unit.stationed_in_id)
            org.role_assign(
                actor=self.admin,
                user=user,
                role=Role.ZONE_OFFICER if is_zone_side else Role.BUREAU_OFFICER,
                scope_kind=ScopeKind.UNIT,
                scope=unit,
            )
            self.tally.users += 1
        return user

    def _applicants(self, journeys: dict) -> dict:
        zones = list(Zone.objects.order_by("code"))
        founders = [self._founder(index) for index in range(FOUNDERS)]
        enterprises = {}
        for zone in zones:
            enterprises[zone.code] = self._enterprise_applicant(zone)
        by_journey = {
            code: [z for z in zones if not journey.needs_enterprise or enterprises[z.code]]
            for code, journey in journeys.items()
        }
        return {"founders": founders, "enterprises": enterprises, "zones": by_journey}

    def _founder(self, index: int):
        username = "founder" if index == 0 else f"founder{index + 1}"
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            user = enterprise_services.founder_signup(
                username=username,
                password=self.seeder.password,
                full_name=f"创业者{index + 1}（演示）",
                phone=f"1390000{index:04d}",
            )
            self.tally.users += 1
        return user

    def _enterprise_applicant(self, zone: Zone):
        """A confirmed user of an enterprise in the zone (the demo logins where they exist)."""
        enterprise = (
            Enterprise.objects.filter(zone=zone, memberships__status=MembershipStatus.CONFIRMED)
            .order_by("pk")
            .first()
        )
        if enterprise is not None:
            confirmed = enterprise.memberships.filter(status=MembershipStatus.CONFIRMED)
            membership = confirmed.order_by("pk").first()
            return membership.user, enterprise.uscc
        enterprise = Enterprise.objects.filter(zone=zone).order_by("pk").first()
        if enterprise is None:
            return None
        membership = enterprise_services.enterprise_signup(
            username=f"applicant_{zone.code}",
            password=self.seeder.password,
            full_name=f"{enterprise.name}经办人",
            phone="13700000000",
            uscc=enterprise.uscc,
            enterprise_name=enterprise.name,
            zone=zone,
        )
        membership = enterprise_services.membership_confirm(actor=self.admin, membership=membership)
        self.tally.users += 1
        return membership.user, enterprise.uscc


def _hours_per_day() -> float:
    return sum(end - start for start, end in workcal.office_sessions()) / 3_600_000_000


def _form_for(journey: Journey, uscc: str | None, rng: random.Random) -> dict:
    """Valid answers to the journey's combined form."""
    number = rng.randrange(1000, 9999)
    values = {
        FieldType.STRING: f"示例{number}",
        FieldType.TEXT: f"演示申请{number}：按要求填报。",
        FieldType.INTEGER: rng.randrange(1, 50),
        FieldType.DECIMAL: str(rng.randrange(100, 50000)),
        FieldType.DATE: "2026-12-01",
        FieldType.BOOLEAN: rng.random() < 0.5,
        FieldType.PHONE: f"138{rng.randrange(10_000_000, 99_999_999)}",
        FieldType.EMAIL: f"demo{number}@example.com",
        FieldType.ID_NUMBER: ID_NUMBER,
    }
    form = {}
    for item in services.journey_form(journey):
        if item.type == FieldType.USCC:
            if uscc:
                form[item.name] = uscc
            continue
        if item.type == FieldType.CHOICE:
            form[item.name] = item.choices[0] if item.choices else ""
            continue
        form[item.name] = values.get(item.type, f"示例{number}")
    if "company_name" in form:
        form["company_name"] = f"示例{number}科技有限公司"
    return form
