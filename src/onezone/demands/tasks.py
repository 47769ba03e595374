"""Background jobs of the demands app, thin wrappers over services; the sweep is scheduled."""

from django_tasks import task

from onezone.core.scheduler import SCHEDULE, Entry

# Expired stage clocks are urged within five minutes; escalation and callback to-dos follow.
SWEEP_EVERY_SECONDS = 300


@task()
def sweep_demands() -> dict:
    from onezone.demands.services.demands import demands_sweep

    return demands_sweep()


_entry = Entry("onezone.demands.tasks.sweep_demands", SWEEP_EVERY_SECONDS)
if _entry not in SCHEDULE:
    SCHEDULE.append(_entry)
