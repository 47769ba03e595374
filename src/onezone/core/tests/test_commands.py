"""The `onezone` console script and the core commands: worker, and audit verify end to end."""

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from onezone.core.choices import OutboxChannel, OutboxStatus
from onezone.core.models import OutboxMessage, SchedulerLease
from onezone.core.notifications import outbox_enqueue

ONEZONE = Path(sys.executable).with_name("onezone")


def run_onezone(tmp_path, *args, **env) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("ONEZONE_")}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean.update(
        ONEZONE_DEBUG="1",
        ONEZONE_HOME=str(tmp_path),
        ONEZONE_DATABASE_URL=f"sqlite:///{tmp_path / 'onezone.sqlite3'}",
        **env,
    )
    return subprocess.run(
        [str(ONEZONE), *args], cwd=tmp_path, env=clean, capture_output=True, text=True, timeout=120
    )


def test_it_installs_the_console_script_with_the_onezone_commands(tmp_path):
    result = run_onezone(tmp_path, "help")

    assert result.returncode == 0
    for command in ("audit", "token", "worker", "migrate"):
        assert f"    {command}\n" in result.stdout


def test_it_runs_as_python_dash_m(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "onezone", "help", "audit"],
        cwd=tmp_path,
        env={**os.environ, "ONEZONE_DEBUG": "1", "ONEZONE_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0
    assert "Verify the audit trail's hash chain." in result.stdout


def test_it_audit_verify_exits_non_zero_when_the_database_was_edited(tmp_path):
    assert run_onezone(tmp_path, "migrate", "-v0").returncode == 0
    script = (
        "from onezone.conftest import make_user\n"
        "from onezone.core.tokens import token_create\n"
        "token_create(user=make_user('root'), actor=None)\n"
        "token_create(user=make_user('other'), actor=None)\n"
    )
    assert run_onezone(tmp_path, "shell", "-c", script).returncode == 0
    with sqlite3.connect(tmp_path / "onezone.sqlite3") as database:
        database.execute("UPDATE core_auditevent SET action='x' WHERE seq=2")

    broken = run_onezone(tmp_path, "audit", "verify")

    assert broken.returncode == 1
    assert broken.stderr.strip() == (
        "CommandError: Audit trail BROKEN at event #2: content altered "
        "(1 events before it are intact)."
    )


@pytest.fixture
def keep_signal_handlers():
    """The worker installs its own SIGINT/SIGTERM handlers; give pytest its own back."""
    names = [name for name in ("SIGINT", "SIGTERM", "SIGQUIT") if hasattr(signal, name)]
    saved = {name: signal.getsignal(getattr(signal, name)) for name in names}
    yield
    for name, handler in saved.items():
        signal.signal(getattr(signal, name), handler)


# The worker closes "old" connections between tasks, which would end a test's transaction.
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("keep_signal_handlers")
def test_it_worker_runs_queued_deliveries_in_batch_mode(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    mail.outbox.clear()
    message = outbox_enqueue(channel=OutboxChannel.EMAIL, recipient="a@example.com", body="x")
    assert DBTaskResult.objects.count() == 1
    assert mail.outbox == []

    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert [sent.to for sent in mail.outbox] == [["a@example.com"]]
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.SENT
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["SUCCESSFUL"]
    assert SchedulerLease.objects.count() == 0
