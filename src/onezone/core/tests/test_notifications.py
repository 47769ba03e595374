"""Notifications: the in-app inbox, to-dos and the email/SMS outbox."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from onezone.conftest import make_user
from onezone.core import clock, sms
from onezone.core.choices import OutboxChannel, OutboxStatus
from onezone.core.models import AuditEvent, Notification, OutboxMessage, Todo
from onezone.core.notifications import (
    deliver_all_due,
    notification_mark_read,
    notifications_mark_all_read,
    notify,
    outbox_deliver,
    outbox_enqueue,
    todo_complete,
    todo_create,
)
from onezone.core.tasks import deliver_outbox_message

T0 = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class FailingSmsBackend:
    calls = 0

    def send(self, *, phone: str, text: str) -> None:
        FailingSmsBackend.calls += 1
        raise ConnectionError("gateway down")


@pytest.fixture
def outbox(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ONEZONE_SMS_BACKEND = "onezone.core.sms.LocmemSmsBackend"
    settings.DEFAULT_FROM_EMAIL = "noreply@onezone.test"
    sms.sent_messages.clear()
    mail.outbox.clear()
    FailingSmsBackend.calls = 0
    yield settings
    sms.sent_messages.clear()


@pytest.fixture
def clerk(db):
    return make_user("clerk", email="clerk@example.com")


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


# ---- inbox ----------------------------------------------------------------------------


def test_it_puts_a_notification_in_the_inbox(clerk):
    with clock.simulated_time(T0):
        notification = notify(recipient=clerk, title="审批已受理", body="详情", link="/inbox/")

    assert list(
        Notification.objects.values("recipient", "title", "body", "link", "created_at", "read_at")
    ) == [
        {
            "recipient": clerk.pk,
            "title": "审批已受理",
            "body": "详情",
            "link": "/inbox/",
            "created_at": T0,
            "read_at": None,
        }
    ]
    assert notification.is_read is False


def test_it_cuts_long_titles_to_the_column(clerk):
    notification = notify(recipient=clerk, title="长" * 250)

    assert len(Notification.objects.get(pk=notification.pk).title) == 200


def test_it_lets_the_recipient_mark_a_notification_read(clerk):
    notification = notify(recipient=clerk, title="a")

    with clock.simulated_time(T0):
        notification_mark_read(notification=notification, actor=clerk)

    assert Notification.objects.get(pk=notification.pk).read_at == T0


def test_it_refuses_to_mark_someone_elses_notification_read(clerk):
    other = make_user("other")
    notification = notify(recipient=clerk, title="a")

    with pytest.raises(PermissionDenied):
        notification_mark_read(notification=notification, actor=other)

    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_it_marks_only_the_actors_unread_notifications_read(clerk):
    other = make_user("other")
    notify(recipient=clerk, title="a")
    notify(recipient=clerk, title="b")
    theirs = notify(recipient=other, title="c")

    assert notifications_mark_all_read(actor=clerk) == 2
    assert notifications_mark_all_read(actor=clerk) == 0
    assert Notification.objects.get(pk=theirs.pk).read_at is None


# ---- to-dos ---------------------------------------------------------------------------


def test_it_creates_an_audited_todo(clerk):
    due = T0 + timedelta(days=1)

    with clock.simulated_time(T0):
        todo = todo_create(
            assignee=clerk, title="确认企业绑定", due_at=due, link="/x/", source=clerk
        )

    assert Todo.objects.filter(pk=todo.pk).values(
        "assignee", "title", "link", "due_at", "source_type", "source_id", "created_at", "done_at"
    ).get() == {
        "assignee": clerk.pk,
        "title": "确认企业绑定",
        "link": "/x/",
        "due_at": due,
        "source_type": "core.user",
        "source_id": str(clerk.pk),
        "created_at": T0,
        "done_at": None,
    }
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id) == (
        "todo.create",
        "core.todo",
        str(todo.pk),
    )
    assert event.after == {
        "assignee": "clerk",
        "title": "确认企业绑定",
        "due_at": "2025-03-04T01:00:00.000000Z",
    }


def test_it_lets_the_assignee_complete_a_todo_once(clerk):
    todo = todo_create(assignee=clerk, title="t", due_at=T0)

    with clock.simulated_time(T0 + timedelta(hours=2)):
        todo_complete(todo=todo, actor=clerk)
        todo_complete(todo=todo, actor=clerk)

    assert Todo.objects.get(pk=todo.pk).done_at == T0 + timedelta(hours=2)
    assert actions() == ["todo.create", "todo.complete"]


def test_it_refuses_to_let_anyone_else_complete_a_todo(clerk):
    other = make_user("other")
    todo = todo_create(assignee=clerk, title="t", due_at=T0)

    with pytest.raises(PermissionDenied):
        todo_complete(todo=todo, actor=other)

    assert Todo.objects.get(pk=todo.pk).done_at is None
    assert actions() == ["todo.create"]


# ---- outbox ---------------------------------------------------------------------------


def test_it_queues_a_message_without_sending_it(outbox):
    with clock.simulated_time(T0):
        message = outbox_enqueue(
            channel=OutboxChannel.EMAIL, recipient="a@example.com", subject="主题", body="正文"
        )

    assert OutboxMessage.objects.filter(pk=message.pk).values(
        "channel", "recipient", "subject", "body", "status", "attempts", "next_attempt_at"
    ).get() == {
        "channel": "email",
        "recipient": "a@example.com",
        "subject": "主题",
        "body": "正文",
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": T0,
    }
    assert mail.outbox == []


def test_it_refuses_an_unknown_channel(outbox):
    with pytest.raises(ValueError, match="pigeon"):
        outbox_enqueue(channel="pigeon", recipient="x", body="y")

    assert OutboxMessage.objects.count() == 0


def test_it_delivers_an_email_exactly_once(outbox):
    with clock.simulated_time(T0):
        message = outbox_enqueue(
            channel=OutboxChannel.EMAIL, recipient="a@example.com", subject="主题", body="正文"
        )

    with clock.simulated_time(T0 + timedelta(days=1)):
        delivered = outbox_deliver(message_id=message.pk)
        again = outbox_deliver(message_id=message.pk)

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert (sent.subject, sent.body, sent.to, sent.from_email) == (
        "主题",
        "正文",
        ["a@example.com"],
        "noreply@onezone.test",
    )
    assert (delivered.status, again.status) == (OutboxStatus.SENT, OutboxStatus.SENT)
    stored = OutboxMessage.objects.get(pk=message.pk)
    assert (stored.status, stored.attempts, stored.sent_at, stored.last_error) == (
        "sent",
        1,
        T0 + timedelta(days=1),
        "",
    )


def test_it_delivers_an_sms_through_the_configured_backend(outbox):
    message = outbox_enqueue(channel=OutboxChannel.SMS, recipient="13800138000", body="验证码 1234")

    outbox_deliver(message_id=message.pk)
    outbox_deliver(message_id=message.pk)

    assert sms.sent_messages == [{"phone": "13800138000", "text": "验证码 1234"}]
    assert mail.outbox == []
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.SENT


def test_it_answers_none_for_a_missing_message(outbox):
    assert outbox_deliver(message_id=99999) is None


def test_it_retries_a_failing_backend_with_backoff_and_gives_up(outbox):
    outbox.ONEZONE_SMS_BACKEND = f"{__name__}.FailingSmsBackend"
    outbox.ONEZONE_OUTBOX_MAX_ATTEMPTS = 3
    with clock.simulated_time(T0):
        message = outbox_enqueue(channel=OutboxChannel.SMS, recipient="13800138000", body="hi")
        outbox_deliver(message_id=message.pk)

    def state():
        row = OutboxMessage.objects.get(pk=message.pk)
        return row.status, row.attempts, row.next_attempt_at, row.last_error, row.sent_at

    first_retry = T0 + timedelta(seconds=30)
    assert state() == ("pending", 1, first_retry, "ConnectionError: gateway down", None)

    with clock.simulated_time(first_retry - timedelta(seconds=1)):
        outbox_deliver(message_id=message.pk)
    assert state() == ("pending", 1, first_retry, "ConnectionError: gateway down", None)
    assert FailingSmsBackend.calls == 1

    second_retry = first_retry + timedelta(seconds=60)
    with clock.simulated_time(first_retry):
        outbox_deliver(message_id=message.pk)
    assert state() == ("pending", 2, second_retry, "ConnectionError: gateway down", None)

    with clock.simulated_time(second_retry):
        outbox_deliver(message_id=message.pk)
    assert state()[:2] == ("failed", 3)

    with clock.simulated_time(second_retry + timedelta(days=1)):
        outbox_deliver(message_id=message.pk)
        assert deliver_all_due() == 0
    assert state()[:2] == ("failed", 3)
    assert FailingSmsBackend.calls == 3
    assert sms.sent_messages == []


def test_it_queues_one_message_per_dedupe_key(outbox):
    first = outbox_enqueue(
        channel=OutboxChannel.EMAIL, recipient="a@example.com", body="x", dedupe_key="reminder:7"
    )
    second = outbox_enqueue(
        channel=OutboxChannel.EMAIL, recipient="a@example.com", body="x", dedupe_key="reminder:7"
    )

    assert second.pk == first.pk
    assert OutboxMessage.objects.count() == 1


def test_it_enqueues_delivery_only_when_the_transaction_commits(
    outbox, django_capture_on_commit_callbacks
):
    outbox.TASKS = IMMEDIATE_TASKS

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = outbox_enqueue(channel=OutboxChannel.EMAIL, recipient="a@example.com", body="x")
    assert len(callbacks) == 1
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        second = outbox_enqueue(channel=OutboxChannel.EMAIL, recipient="b@example.com", body="y")

    assert [sent.to for sent in mail.outbox] == [["b@example.com"]]
    assert OutboxMessage.objects.get(pk=second.pk).status == OutboxStatus.SENT
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.PENDING


def test_it_does_not_enqueue_delivery_again_for_a_deduplicated_message(
    outbox, django_capture_on_commit_callbacks
):
    outbox_enqueue(channel=OutboxChannel.SMS, recipient="13800138000", body="x", dedupe_key="k")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outbox_enqueue(channel=OutboxChannel.SMS, recipient="13800138000", body="x", dedupe_key="k")

    assert callbacks == []


def test_it_delivers_through_the_task(outbox):
    outbox.TASKS = IMMEDIATE_TASKS
    message = outbox_enqueue(channel=OutboxChannel.SMS, recipient="13800138000", body="x")

    result = deliver_outbox_message.enqueue(message.pk)

    assert result.return_value == "sent"
    assert deliver_outbox_message.enqueue(99999).return_value == "missing"
    assert sms.sent_messages == [{"phone": "13800138000", "text": "x"}]


def test_it_delivers_every_due_message(outbox):
    with clock.simulated_time(T0):
        outbox_enqueue(channel=OutboxChannel.SMS, recipient="13800138000", body="now")
    with clock.simulated_time(T0 + timedelta(hours=1)):
        later = outbox_enqueue(channel=OutboxChannel.SMS, recipient="13900139000", body="later")

    with clock.simulated_time(T0 + timedelta(minutes=1)):
        assert deliver_all_due() == 1

    assert sms.sent_messages == [{"phone": "13800138000", "text": "now"}]
    assert OutboxMessage.objects.get(pk=later.pk).status == OutboxStatus.PENDING


# ---- password reset -------------------------------------------------------------------


def test_it_sends_the_password_reset_mail_through_the_outbox(outbox, client, clerk):
    response = client.post(reverse("password_reset"), {"email": "clerk@example.com"})

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []
    message = OutboxMessage.objects.get()
    assert (message.channel, message.recipient, message.status) == (
        "email",
        "clerk@example.com",
        "pending",
    )

    outbox_deliver(message_id=message.pk)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["clerk@example.com"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/\S+/)", mail.outbox[0].body)
    assert link is not None
    follow = client.get(link.group(1))
    assert follow.status_code == 302
    assert follow["Location"].endswith("/set-password/")


def test_it_queues_nothing_for_an_unknown_email(outbox, client, clerk):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})

    assert response.status_code == 302
    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


def test_it_audits_reading_one_and_all_notifications(db):
    reader = make_user("reader")
    first = notify(recipient=reader, title="一")
    notify(recipient=reader, title="二")
    notify(recipient=reader, title="三")
    notification_mark_read(notification=first, actor=reader)
    assert notifications_mark_all_read(actor=reader) == 2
    assert notifications_mark_all_read(actor=reader) == 0
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-5:] == ["notification.create"] * 3 + [
        "notification.read",
        "notification.read_all",
    ]
    assert AuditEvent.objects.get(action="notification.read_all").after["row_count"] == 2
