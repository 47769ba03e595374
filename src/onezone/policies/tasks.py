"""Background jobs of the policies app, thin wrappers over services."""

from django_tasks import task


def _matching():
    # Imported when a job runs: the app registry imports this module at start-up, before the
    # engine's numpy modules need to be loaded.
    from onezone.policies.services import matching

    return matching


@task()
def rematch_all() -> dict:
    """Nightly: ages and validity move with the date, so every stored match is refreshed."""
    stats = _matching().rematch_nightly()
    return {"created": stats.created, "updated": stats.updated, "deleted": stats.deleted}


@task()
def rematch_enterprises(enterprise_ids: list[int]) -> int:
    return _matching().rematch(enterprise_ids=enterprise_ids).newly_eligible


@task()
def rematch_versions(version_ids: list[int]) -> int:
    return _matching().rematch(version_ids=version_ids).newly_eligible


def _register_nightly() -> None:
    from onezone.core.scheduler import SCHEDULE, Entry

    entry = Entry("onezone.policies.tasks.rematch_all", NIGHTLY_SECONDS)
    if entry not in SCHEDULE:
        SCHEDULE.append(entry)


NIGHTLY_SECONDS = 24 * 60 * 60
_register_nightly()
