"""Writes of one-to-one service: designations, assignments, balancing, reassignment."""

import heapq
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from onezone.core import clock
from onezone.core.access import require
from onezone.core.audit import audit_record, audit_record_bulk
from onezone.core.errors import field_error
from onezone.core.notifications import notify, todo_create
from onezone.enterprises.access import can_manage_zone, current_assignment_filter
from onezone.enterprises.choices import ServiceRole
from onezone.enterprises.models import Enterprise, ServiceAssignment, ServiceDesignation
from onezone.org.access import zone_officers_of
from onezone.org.models import Post, Zone

# Chief representatives serve key enterprises only (tag `key`, 重点企业).
KEY_TAG = "key"
INTRODUCTION_DUE = timedelta(days=7)


def _post_is_active(post: Post, on: date) -> bool:
    return post.start_on <= on and (post.end_on is None or post.end_on >= on)


def designation_create(*, actor, post: Post, role: str, zone: Zone) -> ServiceDesignation:
    """Designate a post to serve a zone's enterprises as liaison or chief representative."""
    require(
        can_manage_zone(actor, zone.pk),
        _("Only an officer of %(zone)s may designate who serves its enterprises.")
        % {"zone": zone.name},
    )
    if role not in ServiceRole.values:
        raise field_error("role", _("Unknown service role."), "unknown")
    if not _post_is_active(post, clock.today()):
        raise field_error("post", _("This post is not held today."), "inactive_post")
    with transaction.atomic():
        if ServiceDesignation.objects.filter(post=post, role=role).exists():
            raise field_error("post", _("This post already has this service role."), "duplicate")
        designation = ServiceDesignation.objects.create(
            post=post, role=role, zone=zone, created_at=clock.now()
        )
        audit_record(
            actor=actor,
            action="service_designation.create",
            obj=designation,
            after={"post": post.pk, "person": post.person.name, "role": role, "zone": zone.code},
        )
    return designation


def designation_end(*, actor, designation: ServiceDesignation) -> int:
    """Withdraw a designation; its enterprises go to the zone's other holders of the role."""
    require(
        can_manage_zone(actor, designation.zone_id),
        _("Only an officer of the zone may withdraw a designation."),
    )
    with transaction.atomic():
        moved = _reassign_from_post(
            actor=actor,
            post=designation.post,
            role=designation.role,
            last_day=clock.today() - timedelta(days=1),
            reason=_("Designation withdrawn"),
        )
        audit_record(
            actor=actor,
            action="service_designation.end",
            obj=designation,
            before={"post": designation.post_id, "role": designation.role},
            after={"reassigned": moved},
        )
        designation.delete()
    return moved


def _current(enterprise: Enterprise, role: str):
    return (
        ServiceAssignment.objects.select_for_update()
        .filter(enterprise=enterprise, role=role, end_on__isnull=True)
        .first()
    )


def _close(assignment: ServiceAssignment, last_day: date) -> None:
    # An assignment replaced on its first day still keeps that day, so history never has a
    # negative span.
    assignment.end_on = max(last_day, assignment.start_on)
    assignment.save(update_fields=["end_on"])


def assignment_set(
    *,
    actor,
    enterprise: Enterprise,
    role: str,
    post: Post,
    start_on: date | None = None,
    reason: str = "",
) -> ServiceAssignment:
    """Make `post` the enterprise's liaison (or chief representative); the old one is ended."""
    require(
        can_manage_zone(actor, enterprise.zone_id),
        _("Only an officer of the enterprise's zone may assign who serves it."),
    )
    start = start_on or clock.today()
    if not ServiceDesignation.objects.filter(post=post, role=role, zone=enterprise.zone).exists():
        raise field_error(
            "post",
            _("This person is not designated as %(role)s for the enterprise's zone.")
            % {"role": ServiceRole(role).label},
            "not_designated",
        )
    if not _post_is_active(post, start):
        raise field_error("post", _("This post is not held on the start date."), "inactive_post")
    with transaction.atomic():
        current = _current(enterprise, role)
        if current and current.post_id == post.pk:
            raise field_error("post", _("This person already serves the enterprise."), "same")
        if current:
            _close(current, start - timedelta(days=1))
        assignment = ServiceAssignment.objects.create(
            enterprise=enterprise,
            role=role,
            post=post,
            start_on=start,
            reason=reason.strip(),
            created_by=actor,
            created_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="service_assignment.set",
            obj=assignment,
            before={"post": current.post_id} if current else None,
            after={
                "enterprise": enterprise.uscc,
                "role": role,
                "post": post.pk,
                "start_on": start,
                "reason": assignment.reason,
            },
        )
        _tell_new_holder(assignment, actor)
    return assignment


def _tell_new_holder(assignment: ServiceAssignment, actor) -> None:
    user = assignment.post.person.user
    if user is None:
        return
    notify(
        recipient=user,
        title=_("You now serve %(name)s as %(role)s")
        % {"name": assignment.enterprise.name, "role": assignment.get_role_display()},
        link=reverse("enterprises:enterprise_detail", args=[assignment.enterprise_id]),
        actor=actor,
    )


def _holders(zone_id: int, role: str, on: date, exclude_post_id: int | None = None):
    """Min-heap of (load, staff number, post id) over the zone's designated, active posts."""
    designations = ServiceDesignation.objects.filter(
        zone_id=zone_id,
        role=role,
        post__start_on__lte=on,
    ).filter(Q(post__end_on__isnull=True) | Q(post__end_on__gte=on))
    if exclude_post_id:
        designations = designations.exclude(post_id=exclude_post_id)
    loads = dict(
        ServiceAssignment.objects.filter(
            current_assignment_filter(on=on), role=role, enterprise__zone_id=zone_id
        )
        .values_list("post_id")
        .annotate(n=Count("id"))
    )
    heap = [
        (loads.get(d.post_id, 0), d.post.person.staff_number, d.post_id)
        for d in designations.select_related("post__person")
    ]
    heapq.heapify(heap)
    return heap


def _take_least_loaded(heap) -> int:
    load, staff_number, post_id = heapq.heappop(heap)
    heapq.heappush(heap, (load + 1, staff_number, post_id))
    return post_id


def _unassigned(zone: Zone, role: str):
    enterprises = Enterprise.objects.filter(zone=zone).exclude(
        pk__in=ServiceAssignment.objects.filter(role=role, end_on__isnull=True).values(
            "enterprise_id"
        )
    )
    if role == ServiceRole.CHIEF_REPRESENTATIVE:
        enterprises = enterprises.filter(tags__code=KEY_TAG)
    return enterprises.order_by("name", "pk")


def assignment_auto_assign(*, actor, zone: Zone, role: str = ServiceRole.LIAISON) -> int:
    """Give every unassigned enterprise of the zone the least-loaded holder of the role."""
    require(
        can_manage_zone(actor, zone.pk),
        _("Only an officer of %(zone)s may assign who serves its enterprises.")
        % {"zone": zone.name},
    )
    today = clock.today()
    with transaction.atomic():
        list(Zone.objects.select_for_update().filter(pk=zone.pk))  # one balancing run at a time
        heap = _holders(zone.pk, role, today)
        enterprise_ids = list(_unassigned(zone, role).values_list("pk", flat=True))
        if not heap or not enterprise_ids:
            return 0
        now = clock.now()
        assignments = [
            ServiceAssignment(
                enterprise_id=enterprise_id,
                role=role,
                post_id=_take_least_loaded(heap),
                start_on=today,
                reason=_("Automatic balanced assignment"),
                created_by=actor,
                created_at=now,
            )
            for enterprise_id in enterprise_ids
        ]
        ServiceAssignment.objects.bulk_create(assignments)
        audit_record_bulk(
            actor=actor,
            action="service_assignment.auto_assign",
            object_type="enterprises.serviceassignment",
            rows=[
                {"enterprise": a.enterprise_id, "post": a.post_id, "role": role}
                for a in assignments
            ],
        )
        _tell_holders_of_batch(assignments, actor)
    return len(assignments)


def _tell_holders_of_batch(assignments: list[ServiceAssignment], actor) -> None:
    counts: dict[int, int] = {}
    for assignment in assignments:
        counts[assignment.post_id] = counts.get(assignment.post_id, 0) + 1
    for post in Post.objects.filter(pk__in=counts).select_related("person__user"):
        if post.person.user:
            notify(
                recipient=post.person.user,
                title=_("%(count)d enterprises were added to your portfolio")
                % {"count": counts[post.pk]},
                link=reverse("enterprises:portfolio"),
                actor=actor,
            )


def _reassign_from_post(*, actor, post: Post, role: str | None, last_day: date, reason: str):
    """End the post's running assignments on `last_day` and hand each to a balanced successor."""
    running = ServiceAssignment.objects.select_for_update(of=("self",)).filter(
        post=post, end_on__isnull=True
    )
    if role:
        running = running.filter(role=role)
    first_day = last_day + timedelta(days=1)
    heaps: dict[tuple[int, str], list] = {}
    moved = 0
    for assignment in running.select_related("enterprise__zone").order_by("enterprise__name"):
        _close(assignment, last_day)
        key = (assignment.enterprise.zone_id, assignment.role)
        if key not in heaps:
            heaps[key] = _holders(*key, on=first_day, exclude_post_id=post.pk)
        if not heaps[key]:
            _tell_zone_nobody_left(assignment, actor)
            continue
        successor = ServiceAssignment.objects.create(
            enterprise=assignment.enterprise,
            role=assignment.role,
            post_id=_take_least_loaded(heaps[key]),
            start_on=max(first_day, assignment.start_on),
            reason=reason,
            created_by=actor if getattr(actor, "pk", None) else None,
            created_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="service_assignment.reassign",
            obj=successor,
            before={"post": post.pk},
            after={
                "enterprise": assignment.enterprise.uscc,
                "post": successor.post_id,
                "role": successor.role,
                "start_on": successor.start_on,
                "reason": reason,
            },
        )
        _todo_for_successor(successor)
        moved += 1
    return moved


def _todo_for_successor(assignment: ServiceAssignment) -> None:
    user = assignment.post.person.user
    if user is None:
        return
    todo_create(
        assignee=user,
        title=_("Introduce yourself to %(name)s: you are now its %(role)s")
        % {"name": assignment.enterprise.name, "role": assignment.get_role_display()},
        link=reverse("enterprises:enterprise_detail", args=[assignment.enterprise_id]),
        due_at=clock.now() + INTRODUCTION_DUE,
        source=assignment,
    )


def _tell_zone_nobody_left(assignment: ServiceAssignment, actor) -> None:
    for officer in zone_officers_of(assignment.enterprise.zone):
        todo_create(
            assignee=officer,
            title=_("%(name)s has no %(role)s: designate someone and assign it")
            % {"name": assignment.enterprise.name, "role": assignment.get_role_display()},
            link=reverse("enterprises:enterprise_detail", args=[assignment.enterprise_id]),
            due_at=clock.now() + INTRODUCTION_DUE,
            source=assignment,
        )


def assignments_reassign_for_post_end(*, actor, post: Post) -> int:
    """Hook of org's post_end (settings.ONEZONE_POST_END_HOOKS): hand the portfolio on."""
    moved = _reassign_from_post(
        actor=actor, post=post, role=None, last_day=post.end_on, reason=_("Previous post ended")
    )
    designations = ServiceDesignation.objects.filter(post=post)
    for designation in designations:
        audit_record(
            actor=actor,
            action="service_designation.end",
            obj=designation,
            before={"post": post.pk, "role": designation.role, "zone": designation.zone_id},
            after={"reason": "post ended"},
        )
    designations.delete()
    return moved
