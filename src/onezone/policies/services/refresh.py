"""Refresh stored matches when enterprise files change: one re-match per transaction.

Registered in settings.ONEZONE_ENTERPRISE_CHANGED_HOOKS. An import or the demo seeder changes
thousands of files in one transaction; collecting their ids and re-matching once after the
commit costs one bulk evaluation instead of one per enterprise.
"""

from django.db import connection, transaction

_pending: dict[int, set[int]] = {}


def _flush() -> None:
    ids = _pending.pop(id(connection), set())
    if ids:
        from onezone.policies.services.matching import rematch

        rematch(enterprise_ids=sorted(ids))


def _flush_registered() -> bool:
    return any(entry[1] is _flush for entry in connection.run_on_commit)


def on_enterprise_changed(enterprise_ids) -> None:
    ids = {int(pk) for pk in enterprise_ids}
    if not ids:
        return
    if not connection.in_atomic_block:
        _pending[id(connection)] = ids
        _flush()
        return
    if not _flush_registered():
        # A rolled-back transaction drops its callback; its ids must not leak into the next.
        _pending[id(connection)] = set()
        transaction.on_commit(_flush)
    _pending[id(connection)] |= ids
