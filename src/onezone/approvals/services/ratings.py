"""Ratings (好差评): the applicant rates each decided item once, 1 to 5 with a comment."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from onezone.approvals.access import is_applicant_side
from onezone.approvals.choices import DECIDED_STATES, ItemCaseState
from onezone.approvals.models import ItemCase, Rating
from onezone.core import clock
from onezone.core.audit import audit_record
from onezone.core.errors import ConflictError

MIN_SCORE, MAX_SCORE = 1, 5
MAX_COMMENT = 500
# A withdrawn item was never handled to its end: there is no service to rate.
RATEABLE_STATES = DECIDED_STATES - {ItemCaseState.WITHDRAWN}


def _clean(score, comment: str) -> tuple[int, str]:
    errors = {}
    try:
        number = int(str(score).strip())
    except (TypeError, ValueError):
        number = None
    if number is None or not MIN_SCORE <= number <= MAX_SCORE:
        errors["score"] = [
            ValidationError(
                _("Give a score from %(low)d to %(high)d.") % {"low": MIN_SCORE, "high": MAX_SCORE},
                code="out_of_range",
            )
        ]
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        errors["comment"] = [
            ValidationError(
                _("At most %(limit)d characters.") % {"limit": MAX_COMMENT}, code="too_long"
            )
        ]
    if errors:
        raise ValidationError(errors)
    return number, comment


def rating_submit(*, actor, item_case: ItemCase, score, comment: str = "") -> Rating:
    """Rate one decided item of the actor's application; a second rating is a conflict."""
    if not is_applicant_side(actor, item_case.application):
        raise PermissionDenied(_("Only the applicant may rate this item."))
    score, comment = _clean(score, comment)
    with transaction.atomic():
        case = ItemCase.objects.select_for_update().get(pk=item_case.pk)
        if case.state not in RATEABLE_STATES:
            raise ConflictError(_("An item can be rated once it is decided."))
        if Rating.objects.filter(item_case=case).exists():
            raise ConflictError(_("This item has already been rated."))
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    item_case=case,
                    score=score,
                    comment=comment,
                    rated_by=actor,
                    rated_at=clock.now(),
                )
        except IntegrityError:
            raise ConflictError(_("This item has already been rated.")) from None
        audit_record(
            actor=actor,
            action="rating.submit",
            obj=rating,
            after={
                "item_case": case.pk,
                "holder_unit": case.holder_unit_id,
                "score": score,
                "comment": comment,
            },
        )
    return rating
