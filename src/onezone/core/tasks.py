"""Background tasks of the core app, thin wrappers over services."""

from django_tasks import task

from onezone.core import notifications


@task()
def deliver_outbox_message(message_id: int) -> str:
    message = notifications.outbox_deliver(message_id=message_id)
    return message.status if message else "missing"


@task()
def deliver_due_outbox() -> int:
    return notifications.deliver_all_due()
