"""A demo year of policies, driven through the policies services with a simulated clock: the
demo enterprises subscribe, the district lists about thirty policies (some in two versions),
officers put together a bundle (组合包) and a bespoke package (一企一策) for the key chip maker,
matching stores eligible and nearly eligible pairs and grants 免申即享 policies, the two demo
enterprises apply for others (approved and paid on time, approved and awaiting payout,
rejected with a reason, waiting for review). Nothing is written into rows directly."""

import heapq
import itertools
from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count

from onezone.core import clock
from onezone.core.clock import simulated_time
from onezone.core.errors import ConflictError
from onezone.policies.access import enterprises_of
from onezone.policies.choices import (
    ApplicationAction,
    ApplicationState,
    MatchStatus,
    PackageKind,
    PolicyClass,
)
from onezone.policies.data import demo_policy_files
from onezone.policies.engine.spec import load_policy_file
from onezone.policies.models import (
    Policy,
    PolicyApplication,
    PolicyMatch,
    PolicyVersion,
)
from onezone.policies.services.applications import policy_application_act, policy_apply
from onezone.policies.services.matching import match_enterprise, rematch
from onezone.policies.services.packages import package_create
from onezone.policies.services.policies import policy_load
from onezone.policies.services.subscriptions import subscription_set

SHANGHAI = ZoneInfo("Asia/Shanghai")
SUBSCRIBE_AT = datetime(2025, 11, 28, 10, 0, tzinfo=SHANGHAI)
LOAD_AT = datetime(2025, 12, 1, 9, 0, tzinfo=SHANGHAI)
PACKAGES_AT = datetime(2025, 12, 3, 15, 0, tzinfo=SHANGHAI)
# Matching runs nightly in production; the demo runs it when the policies are listed, when the
# 2026 policies come into force, mid-year, and on the last evening of the demo year.
MATCH_RUNS = [
    datetime(2025, 12, 1, 20, 0, tzinfo=SHANGHAI),
    datetime(2026, 1, 5, 20, 0, tzinfo=SHANGHAI),
    datetime(2026, 7, 1, 20, 0, tzinfo=SHANGHAI),
    datetime(2026, 11, 26, 20, 0, tzinfo=SHANGHAI),
]
# Grants without application paid this many calendar days after the grant (well within the
# payout limits of 20 to 30 working days); the last run's grants are still within their limit
# when the demo year ends, so they stay pending.
AUTO_GRANT_PAID_AFTER = timedelta(days=14)
# Each demo login's applications: (day applied, outcome, days to decision, days to payout).
PLANS = {
    "enterprise": [
        (date(2026, 3, 3), "paid", 6, 35),
        (date(2026, 10, 13), "approved", 8, None),
        (date(2026, 11, 17), "submitted", None, None),
    ],
    "enterprise2": [
        (date(2026, 4, 14), "paid", 9, 41),
        (date(2026, 5, 12), "rejected", 5, None),
    ],
}
REJECTION_REASON = "经核查，申报的研发人员数与社保缴纳记录不一致，不符合申报条件（演示）"
SUBSCRIPTIONS = {
    "enterprise": ([PolicyClass.SUBSIDY, PolicyClass.QUALIFICATION], ["39", "65"]),
    "enterprise2": ([PolicyClass.SUBSIDY, PolicyClass.REDUCTION], ["374", "4343"]),
}
BUNDLE = {
    "code": "ic-growth-bundle",
    "title": "集成电路企业成长政策组合包（演示）",
    "description": "研发、流片、EDA工具、人才公寓和贷款贴息一站式打包，企业一次了解、分项申报。",
    "policy_codes": [
        "DEMO-IC-RD-2025",
        "DEMO-IC-TAPEOUT-2025",
        "DEMO-IC-EDA-2026",
        "DEMO-TALENT-HOUSING-2025",
        "DEMO-FIN-LOAN-2025",
    ],
}
BESPOKE = {
    "code": "chip-fab-expansion-2026",
    "title": "芯谷示例半导体十二英寸产线扩产一企一策（演示）",
    "description": "重大项目专项政策包：扩产奖励、用地优惠和人才保障。",
    "policy_codes": ["DEMO-IC-FAB-2025", "DEMO-LAND-KEY-2025", "DEMO-TALENT-SCHOOL-2026"],
    "negotiated_terms": (
        "1. 扩产奖励按营业收入分档兑现，分两年拨付；\n"
        "2. 新增工业用地按重点项目价格优惠，交地后六个月内开工；\n"
        "3. 高层次人才子女入学名额每年不少于5个。（演示）"
    ),
    "agreed_on": date(2025, 12, 3),
}


def seed_policies(seeder) -> dict:
    """Called by DemoSeeder after the enterprises exist; returns the demo's figures."""
    return PoliciesDemo(seeder).run()


class PoliciesDemo:
    def __init__(self, seeder):
        self.seeder = seeder
        self.admin = seeder.admin
        self.logins = self._logins()
        self.queue: list = []
        self.order = itertools.count()

    def run(self) -> dict:
        if Policy.objects.exists():
            return {}
        self._at(SUBSCRIBE_AT, self._subscribe)
        self._at(LOAD_AT, self._load)
        self._at(PACKAGES_AT, self._packages)
        for moment in MATCH_RUNS:
            self._at(moment, self._match_run)
        for username, plan in PLANS.items():
            for step in plan:
                self._plan_application(username, *step)
        while self.queue:
            moment, _order, action = heapq.heappop(self.queue)
            with simulated_time(moment):
                action()
        return self._figures()

    def _at(self, moment: datetime, action) -> None:
        """Queue an action; the queue runs in time order so the audit trail reads forwards."""
        heapq.heappush(self.queue, (moment, next(self.order), action))

    # ---- who acts ---------------------------------------------------------------------------

    def _logins(self) -> dict:
        """The demo enterprise logins with their enterprise and the officer of its zone."""
        users = get_user_model().objects
        found = {}
        for username in PLANS:
            user = users.filter(username=username).first()
            enterprise = enterprises_of(user).first() if user else None
            if enterprise is None:
                continue
            officer = users.filter(username=f"zone_{enterprise.zone.code}").first()
            found[username] = (user, enterprise, officer or self.admin)
        return found

    # ---- steps ----------------------------------------------------------------------------

    def _subscribe(self) -> None:
        for username, (classes, industries) in SUBSCRIPTIONS.items():
            if username in self.logins:
                user, enterprise, _officer = self.logins[username]
                subscription_set(
                    actor=user, enterprise=enterprise, classes=classes, industries=industries
                )

    def _load(self) -> None:
        for path in demo_policy_files():
            spec = load_policy_file(path)
            policy_load(actor=self.admin, spec=spec, source=path.read_text(encoding="utf-8"))
        self.seeder.report.count("policies", Policy.objects.count())
        self.seeder.report.count("policy versions", PolicyVersion.objects.count())

    def _packages(self) -> None:
        package_create(actor=self.admin, kind=PackageKind.BUNDLE, **BUNDLE)
        if "enterprise" not in self.logins:
            return
        _user, enterprise, officer = self.logins["enterprise"]
        package_create(
            actor=self.admin,
            kind=PackageKind.BESPOKE,
            enterprise=enterprise,
            agreed_by=officer,
            **BESPOKE,
        )

    def _match_run(self) -> None:
        """Nightly matching; the grants it makes are paid two weeks later."""
        rematch(actor=self.admin)
        if clock.now() >= MATCH_RUNS[-1]:
            return
        granted = PolicyApplication.objects.filter(
            is_auto_grant=True, state=ApplicationState.GRANTED, submitted_at=clock.now()
        ).order_by("id")
        for application in granted:
            self._at(clock.now() + AUTO_GRANT_PAID_AFTER, self._pay(application, self.admin))

    def _pay(self, application, officer):
        def pay() -> None:
            policy_application_act(
                actor=officer, application=application, action=ApplicationAction.PAY
            )

        return pay

    def _plan_application(self, username, day, outcome, decide_after, pay_after) -> None:
        if username not in self.logins:
            return
        user, enterprise, officer = self.logins[username]
        applied_at = datetime.combine(day, time(10, 0), SHANGHAI)

        def apply() -> None:
            application = self._apply_for_one(user, enterprise)
            if application is None or outcome == "submitted":
                return
            decided_at = applied_at + timedelta(days=decide_after)
            self._at(decided_at, self._decide(application, officer, outcome))
            if outcome == "paid":
                self._at(applied_at + timedelta(days=pay_after), self._pay(application, officer))

        self._at(applied_at, apply)

    def _apply_for_one(self, user, enterprise):
        """Apply for the first eligible policy the enterprise has not applied for yet."""
        applied = set(
            PolicyApplication.objects.filter(enterprise=enterprise).values_list(
                "version__policy__code", flat=True
            )
        )
        versions = {
            (version.policy.code, version.number): version
            for version in PolicyVersion.objects.select_related("policy")
        }
        # Policies that need an application first; 免申即享 ones only when they fall back.
        entries = sorted(match_enterprise(enterprise), key=lambda e: e["mode"] == "auto_grant")
        for entry in entries:
            if not entry["eligible"] or entry["code"] in applied:
                continue
            version = versions[(entry["code"], entry["version"])]
            # A 免申即享 policy with authoritative data is refused here: it is granted.
            try:
                return policy_apply(
                    actor=user,
                    version=version,
                    enterprise=enterprise,
                    form_data={"note": "按企业档案数据申报（演示）", "declaration": True},
                )
            except (ValidationError, ConflictError):
                continue
        return None

    def _decide(self, application, officer, outcome):
        rejected = outcome == "rejected"

        def decide() -> None:
            policy_application_act(
                actor=officer,
                application=application,
                action=ApplicationAction.REJECT if rejected else ApplicationAction.APPROVE,
                reason=REJECTION_REASON if rejected else "",
            )

        return decide

    # ---- figures ----------------------------------------------------------------------------

    def _figures(self) -> dict:
        matches = Counter(
            dict(PolicyMatch.objects.values_list("status").annotate(n=Count("id")).order_by())
        )
        states = dict(
            PolicyApplication.objects.values_list("state").annotate(n=Count("id")).order_by()
        )
        report = self.seeder.report
        report.count("policy matches", sum(matches.values()))
        report.count("policy applications", sum(states.values()))
        return {
            "policies": Policy.objects.count(),
            "versions": PolicyVersion.objects.count(),
            "eligible_pairs": matches.get(MatchStatus.ELIGIBLE, 0),
            "nearly_pairs": matches.get(MatchStatus.NEARLY, 0),
            "auto_grants": PolicyApplication.objects.filter(is_auto_grant=True).count(),
            "applications_by_state": states,
        }
