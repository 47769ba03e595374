"""Background tasks of the approvals app, thin wrappers over services."""

from django_tasks import task

from onezone.approvals.services import cases


@task()
def mark_overdue_item_cases() -> int:
    return cases.item_cases_mark_overdue()
