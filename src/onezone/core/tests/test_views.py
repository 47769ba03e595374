"""Pages of the UI shell: inbox, to-dos, audit trail — and their denied paths."""

from datetime import UTC, datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onezone.conftest import make_user
from onezone.core.models import AuditEvent, Notification, Todo
from onezone.core.notifications import notify, todo_create

DUE = datetime(2030, 1, 1, tzinfo=UTC)


def test_it_lists_only_my_notifications_and_marks_one_read(client, db):
    me, other = make_user("me"), make_user("other")
    mine = notify(recipient=me, title="给我的通知", link="/todos/")
    notify(recipient=other, title="别人的通知")
    client.force_login(me)
    page = client.get(reverse("inbox")).content.decode()
    assert "给我的通知" in page and "别人的通知" not in page
    response = client.post(reverse("notification_read", args=[mine.pk]))
    assert response.status_code == 302 and response.url == "/todos/"
    mine.refresh_from_db()
    assert mine.is_read


def test_it_hides_someone_elses_notification_and_changes_nothing(client, db):
    me, other = make_user("me"), make_user("other")
    theirs = notify(recipient=other, title="别人的通知")
    events = AuditEvent.objects.count()
    client.force_login(me)
    assert client.post(reverse("notification_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_read
    assert AuditEvent.objects.count() == events


def test_it_completes_my_todo_but_not_someone_elses(client, db):
    me, other = make_user("me"), make_user("other")
    mine = todo_create(assignee=me, title="我的待办", due_at=DUE)
    theirs = todo_create(assignee=other, title="别人的待办", due_at=DUE)
    client.force_login(me)
    assert client.post(reverse("todo_done", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("todo_done", args=[mine.pk])).status_code == 302
    assert Todo.objects.get(pk=mine.pk).is_done
    assert not Todo.objects.get(pk=theirs.pk).is_done


def test_it_shows_the_audit_trail_and_its_verification_to_administrators_only(client, world):
    client.force_login(world.leader)
    assert client.get(reverse("audit_log")).status_code == 404
    client.force_login(world.admin)
    response = client.get(reverse("audit_log"), {"verify": "1", "q": "zone.create"})
    assert response.status_code == 200
    assert response.context["verification"].is_intact
    assert {event.action for event in response.context["page_obj"]} == {"zone.create"}


def test_it_returns_only_the_fragment_to_htmx(client, world):
    client.force_login(world.admin)
    response = client.get(reverse("audit_log"), HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode()
    assert "<table" in response.content.decode()


def test_it_keeps_the_inbox_query_count_flat(client, db):
    me = make_user("me")
    client.force_login(me)

    def queries_for(count):
        Notification.objects.filter(recipient=me).delete()
        for number in range(count):
            notify(recipient=me, title=f"通知{number}")
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("inbox"))
        return len(captured)

    assert queries_for(3) == queries_for(20)
