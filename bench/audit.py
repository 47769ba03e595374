"""Audit chain: cost of an audited write against a plain insert, and verification speed."""

from django.db import transaction

from bench.timing import best_of, report
from onezone.core import notifications
from onezone.core.audit import audit_record, audit_verify
from onezone.core.models import Notification, User

EVENTS = 2000


def _plain_inserts(user) -> None:
    with transaction.atomic():
        for number in range(EVENTS):
            Notification.objects.create(
                recipient=user, title=f"n{number}", created_at=notifications.clock.now()
            )


def _audited_inserts(user) -> None:
    with transaction.atomic():
        for number in range(EVENTS):
            notice = Notification.objects.create(
                recipient=user, title=f"n{number}", created_at=notifications.clock.now()
            )
            audit_record(
                actor=user,
                action="bench.write",
                obj=notice,
                after={"title": notice.title, "phone": "13800138000"},
            )


def run() -> None:
    user, _ = User.objects.get_or_create(username="bench")
    baseline = best_of(3, lambda: _plain_inserts(user))
    report("plain insert (baseline)", EVENTS, baseline, baseline)
    audited = best_of(3, lambda: _audited_inserts(user))
    report("insert + audit event (hash chain)", EVENTS, audited, baseline)
    total = audit_verify().checked
    verify = best_of(3, audit_verify)
    report(f"verify the whole chain ({total} events)", total, verify, baseline * total / EVENTS)
