"""Ratings (好差评): the applicant rates each decided item once, 1 to 5."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from onezone.approvals import services
from onezone.approvals.choices import ItemAction
from onezone.approvals.models import Rating
from onezone.approvals.services.ratings import rating_submit
from onezone.approvals.tests.conftest import VALID_ID_NUMBER
from onezone.core.errors import ConflictError
from onezone.core.models import AuditEvent

FORM = {
    "company_name": "芯谷新创科技有限公司",
    "legal_representative_id": VALID_ID_NUMBER,
    "contact_phone": "13800138000",
}


def submitted_case(world):
    application = services.application_create(
        actor=world.founder, journey="business_startup", zone="chip_valley", form=FORM
    )
    return application.item_cases.get()


def decided_case(world):
    case = submitted_case(world)
    for action in (ItemAction.ACCEPT, ItemAction.APPROVE):
        case = services.item_case_act(actor=world.officer_a, item_case=case, action=action)
    return case


def test_it_rates_a_decided_item_and_records_it(world, approvals):
    case = decided_case(world)
    rating = rating_submit(actor=world.founder, item_case=case, score="4", comment=" 很快 ")
    assert (rating.score, rating.comment, rating.rated_by) == (4, "很快", world.founder)
    event = AuditEvent.objects.get(action="rating.submit")
    assert event.after["score"] == 4
    assert event.after["holder_unit"] == approvals.unit.pk


def test_it_refuses_a_second_rating_and_keeps_the_first(world, approvals):
    case = decided_case(world)
    rating_submit(actor=world.founder, item_case=case, score=5)
    with pytest.raises(ConflictError):
        rating_submit(actor=world.founder, item_case=case, score=1, comment="改主意")
    assert list(Rating.objects.values_list("score", "comment")) == [(5, "")]


@pytest.mark.parametrize("score", [0, 6, "x", None, "3.5"])
def test_it_refuses_a_score_outside_one_to_five(world, approvals, score):
    case = decided_case(world)
    with pytest.raises(ValidationError) as caught:
        rating_submit(actor=world.founder, item_case=case, score=score)
    assert set(caught.value.error_dict) == {"score"}
    assert caught.value.error_dict["score"][0].code == "out_of_range"
    assert not Rating.objects.exists()


def test_it_refuses_a_comment_over_500_characters(world, approvals):
    case = decided_case(world)
    with pytest.raises(ValidationError) as caught:
        rating_submit(actor=world.founder, item_case=case, score=3, comment="长" * 501)
    assert set(caught.value.error_dict) == {"comment"}
    assert not Rating.objects.exists()


def test_it_refuses_an_item_not_yet_decided(world, approvals):
    case = submitted_case(world)
    with pytest.raises(ConflictError):
        rating_submit(actor=world.founder, item_case=case, score=5)
    assert not Rating.objects.exists()


def test_it_refuses_a_withdrawn_item(world, approvals):
    case = submitted_case(world)
    services.application_withdraw(actor=world.founder, application=case.application)
    case.refresh_from_db()
    with pytest.raises(ConflictError):
        rating_submit(actor=world.founder, item_case=case, score=5)
    assert not Rating.objects.exists()


@pytest.mark.parametrize("who", ["officer_a", "enterprise_user", "other_enterprise_user"])
def test_it_lets_only_the_applicant_side_rate(world, approvals, who):
    case = decided_case(world)
    audit = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        rating_submit(actor=getattr(world, who), item_case=case, score=5)
    assert not Rating.objects.exists()
    assert AuditEvent.objects.count() == audit
