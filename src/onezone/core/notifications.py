"""Notifications: the in-app inbox, to-dos, and the email/SMS outbox the worker delivers."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from onezone.core import clock
from onezone.core.audit import audit_record, audit_record_bulk
from onezone.core.choices import OutboxChannel, OutboxStatus
from onezone.core.models import Notification, OutboxMessage, Todo
from onezone.core.sms import get_sms_backend

RETRY_BASE_SECONDS = 30


def notify(*, recipient, title: str, body: str = "", link: str = "", actor=None) -> Notification:
    """Put a message in a user's in-app inbox (audited with the action that caused it)."""
    with transaction.atomic():
        notification = Notification.objects.create(
            recipient=recipient, title=title[:200], body=body, link=link, created_at=clock.now()
        )
        audit_record(
            actor=actor,
            action="notification.create",
            obj=notification,
            after={"recipient": recipient.username, "title": notification.title},
        )
    return notification


def notification_mark_read(*, notification: Notification, actor) -> Notification:
    if notification.recipient_id != actor.pk:
        raise PermissionDenied("Only the recipient may mark a notification read.")
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification.pk)
        if notification.read_at is None:
            notification.read_at = clock.now()
            notification.save(update_fields=["read_at"])
            audit_record(
                actor=actor,
                action="notification.read",
                obj=notification,
                after={"read_at": notification.read_at},
            )
    return notification


def notifications_mark_all_read(*, actor) -> int:
    with transaction.atomic():
        unread = Notification.objects.select_for_update().filter(
            recipient=actor, read_at__isnull=True
        )
        ids = list(unread.values_list("pk", flat=True))
        if not ids:
            return 0
        moment = clock.now()
        Notification.objects.filter(pk__in=ids).update(read_at=moment)
        audit_record_bulk(
            actor=actor,
            action="notification.read_all",
            object_type="core.notification",
            rows=[{"id": pk, "read_at": moment} for pk in ids],
        )
    return len(ids)


def todo_create(
    *, assignee, title: str, due_at: datetime, link: str = "", source=None, actor=None
) -> Todo:
    with transaction.atomic():
        todo = Todo.objects.create(
            assignee=assignee,
            title=title[:200],
            link=link,
            due_at=due_at,
            source_type=f"{source._meta.app_label}.{source._meta.model_name}" if source else "",
            source_id=str(source.pk) if source else "",
            created_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="todo.create",
            obj=todo,
            after={"assignee": assignee.username, "title": todo.title, "due_at": due_at},
        )
    return todo


def todo_complete(*, todo: Todo, actor) -> Todo:
    with transaction.atomic():
        todo = Todo.objects.select_for_update().get(pk=todo.pk)
        if todo.assignee_id != actor.pk:
            raise PermissionDenied("Only the assignee may complete a to-do.")
        if todo.done_at is None:
            todo.done_at = clock.now()
            todo.save(update_fields=["done_at"])
            audit_record(
                actor=actor, action="todo.complete", obj=todo, after={"done_at": todo.done_at}
            )
    return todo


def outbox_enqueue(
    *, channel: str, recipient: str, body: str, subject: str = "", dedupe_key: str | None = None
) -> OutboxMessage:
    """Queue an email or SMS; the worker delivers it after the transaction commits.

    A `dedupe_key` makes the call idempotent: a second call with the same key returns the
    first message instead of queueing another.
    """
    if channel not in OutboxChannel.values:
        raise ValueError(f"Unknown outbox channel {channel!r}")
    if dedupe_key:
        existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
        if existing:
            return existing
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                channel=channel,
                recipient=recipient,
                subject=subject[:200],
                body=body,
                next_attempt_at=clock.now(),
                created_at=clock.now(),
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        return OutboxMessage.objects.get(dedupe_key=dedupe_key)
    transaction.on_commit(lambda: _enqueue_delivery(message.pk))
    return message


def _enqueue_delivery(message_id: int) -> None:
    from onezone.core.tasks import deliver_outbox_message

    deliver_outbox_message.enqueue(message_id)


def _send(message: OutboxMessage) -> None:
    if message.channel == OutboxChannel.EMAIL:
        send_mail(
            message.subject,
            message.body,
            settings.DEFAULT_FROM_EMAIL,
            [message.recipient],
            fail_silently=False,
        )
    else:
        get_sms_backend().send(phone=message.recipient, text=message.body)


def outbox_deliver(*, message_id: int) -> OutboxMessage | None:
    """Send one message at most once: the row lock makes a second worker skip it."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != OutboxStatus.PENDING:
            return message
        if message.next_attempt_at > clock.now():
            return message
        message.attempts += 1
        try:
            _send(message)
        except Exception as error:  # noqa: BLE001 - any backend failure means "retry later"
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            if message.attempts >= settings.ONEZONE_OUTBOX_MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
            delay = RETRY_BASE_SECONDS * 2 ** (message.attempts - 1)
            message.next_attempt_at = clock.now() + timedelta(seconds=delay)
        else:
            message.status = OutboxStatus.SENT
            message.sent_at = clock.now()
            message.last_error = ""
        message.save()
    return message


def outbox_due_ids(*, limit: int = 500) -> list[int]:
    """Pending messages whose next attempt is due (picked up again by the scheduler)."""
    return list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=clock.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def deliver_all_due() -> int:
    """Deliver every due message in this process (used by the scheduler and by tests)."""
    delivered = 0
    for message_id in outbox_due_ids():
        message = outbox_deliver(message_id=message_id)
        delivered += int(message is not None and message.status == OutboxStatus.SENT)
    return delivered
