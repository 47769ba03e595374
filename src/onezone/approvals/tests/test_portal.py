"""Portal pages: journeys, the one form, drafts and materials, following items, corrections,
withdrawal, ratings and documents — and that nobody sees or touches another's application."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from onezone.approvals import services
from onezone.approvals.choices import ApplicationState, ItemAction, ItemCaseState
from onezone.approvals.models import Application, CaseEvent, Document, Material, Rating
from onezone.approvals.services.catalogue import spec_save
from onezone.approvals.tests.conftest import FORM_FIELDS, VALID_ID_NUMBER
from onezone.core.models import AuditEvent

A, S, AS = ItemAction, ItemCaseState, ApplicationState
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
ANSWERS = {
    "company_name": "芯谷新创科技有限公司",
    "legal_representative_id": VALID_ID_NUMBER,
    "contact_phone": "13800138000",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def id_copy(world, approvals):
    """The registration item asks for a copy of the ID card (PDF or JPG, at most 1 MB)."""
    spec_save(
        actor=world.admin,
        matter=approvals.registration.matter,
        data={
            "statutory_limit_working_days": 20,
            "promised_limit_working_days": "0.5",
            "fee_cny": "0",
            "result_document": "营业执照",
            "form_fields": FORM_FIELDS,
        },
        materials=[
            {
                "code": "id_copy",
                "name": "法定代表人身份证复印件",
                "accepted_types": "pdf,jpg",
                "max_size_mb": 1,
            }
        ],
    )


def login(client, user):
    client.force_login(user)
    return client


def start_url():
    return reverse("approvals:application_start", args=["business_startup"])


def detail_url(application):
    return reverse("approvals:application_detail", args=[application.pk])


def apply(world, user=None, **extra):
    user = user or world.enterprise_user
    return services.application_create(
        actor=user,
        journey="business_startup",
        zone="chip_valley",
        enterprise=world.enterprise.uscc if user == world.enterprise_user else None,
        form=ANSWERS,
        **extra,
    )


def act(world, case, *actions, reason=""):
    for action in actions:
        case = services.item_case_act(
            actor=world.officer_a, item_case=case, action=action, reason=reason
        )
    return case


def zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


# ---- journeys and starting ----------------------------------------------------------------


def test_it_lists_open_journeys_with_their_stages_and_target(client, world, approvals):
    response = login(client, world.founder).get(reverse("approvals:journey_list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "企业开办" in page and "企业设立登记" in page and "公章刻制备案" in page
    assert "0.5" in page and "20" in page
    assert start_url() in page


def test_it_shows_the_journeys_nav_to_founders_only(client, world, approvals):
    founder_page = login(client, world.founder).get(reverse("home")).content.decode()
    assert reverse("approvals:application_list") in founder_page
    officer_page = login(client, world.officer_a).get(reverse("home")).content.decode()
    assert reverse("approvals:application_list") not in officer_page


def test_it_refuses_the_start_form_to_officers(client, world, approvals):
    response = login(client, world.officer_a).get(start_url())
    assert response.status_code == 403


def test_it_renders_the_combined_form_once_per_field(client, world, approvals):
    page = login(client, world.founder).get(start_url()).content.decode()
    assert page.count('name="company_name"') == 1
    assert 'name="legal_representative_id"' in page and 'name="seal_count"' in page
    assert 'name="enterprise"' not in page  # a founder has no enterprise yet
    assert 'value="submit"' in page


def test_it_submits_straight_from_the_start_form(client, world, approvals):
    response = login(client, world.founder).post(
        start_url(), {"zone": "chip_valley", "action": "submit", **ANSWERS}
    )
    application = Application.objects.get()
    assert response.status_code == 302 and response.url == detail_url(application)
    assert application.state == AS.SUBMITTED
    assert application.form_data == ANSWERS
    page = client.get(detail_url(application)).content.decode()
    assert "政务服务科" in page
    assert zh(S.RECEIVED.label) in page


def test_it_shows_each_bad_answer_next_to_its_field_and_saves_nothing(client, world, approvals):
    response = login(client, world.founder).post(
        start_url(),
        {
            "zone": "chip_valley",
            "action": "submit",
            **ANSWERS,
            "legal_representative_id": "110105194912310021",
            "contact_phone": "12345",
        },
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert set(form.errors) == {"legal_representative_id", "contact_phone"}
    assert 'data-field="legal_representative_id"' in response.content.decode()
    assert not Application.objects.exists()


def test_it_requires_an_enterprise_the_user_acts_for(client, world, approvals):
    approvals.journey.needs_enterprise = True
    approvals.journey.save()
    response = login(client, world.enterprise_user).post(
        start_url(),
        {"zone": "chip_valley", "enterprise": world.other_enterprise.uscc, "action": "draft"},
    )
    assert response.status_code == 422
    assert "enterprise" in response.context["form"].errors
    assert not Application.objects.exists()


def test_it_names_the_zone_without_a_holder_unit(client, world, approvals):
    response = login(client, world.founder).post(
        start_url(), {"zone": "aviation", "action": "submit", **ANSWERS}
    )
    assert response.status_code == 422
    assert "zone" in response.context["form"].errors
    assert not Application.objects.exists()


# ---- the founder's flow with materials ----------------------------------------------------


def test_it_takes_a_founder_from_draft_to_upload_to_submission(client, world, approvals, id_copy):
    login(client, world.founder)
    start = client.get(start_url()).content.decode()
    assert 'value="submit"' not in start and "法定代表人身份证复印件" in start
    response = client.post(start_url(), {"zone": "chip_valley", "action": "draft", **ANSWERS})
    application = Application.objects.get()
    assert response.url == detail_url(application)
    assert application.state == AS.DRAFT

    submit_url = reverse("approvals:application_submit", args=[application.pk])
    refused = client.post(submit_url)
    assert refused.status_code == 422
    assert refused.context["materials"][0]["errors"]
    assert 'data-material="id_copy"' in refused.content.decode()
    assert refused_state(application) == AS.DRAFT

    upload_url = reverse("approvals:material_upload", args=[application.pk])
    wrong = client.post(
        upload_url, {"code": "id_copy", "file": SimpleUploadedFile("id.txt", b"hello")}
    )
    assert wrong.status_code == 422
    assert "pdf, jpg" in wrong.context["materials"][0]["errors"][0]
    fake = client.post(
        upload_url, {"code": "id_copy", "file": SimpleUploadedFile("id.pdf", b"not a pdf")}
    )
    assert fake.status_code == 422
    assert not Material.objects.exists()

    uploaded = client.post(
        upload_url, {"code": "id_copy", "file": SimpleUploadedFile("身份证.pdf", PDF)}
    )
    assert uploaded.status_code == 302
    assert list(application.materials.values_list("original_name", flat=True)) == ["身份证.pdf"]

    submitted = client.post(submit_url)
    assert submitted.status_code == 302
    application.refresh_from_db()
    assert application.state == AS.SUBMITTED
    case = application.item_cases.get()
    assert case.holder_unit == approvals.unit
    page = client.get(detail_url(application)).content.decode()
    assert f'id="case-{case.pk}"' in page and "政务服务科" in page


def refused_state(application):
    application.refresh_from_db()
    return application.state


def test_it_offers_an_earlier_upload_again(client, world, approvals, id_copy):
    login(client, world.founder)
    first = services.application_create(
        actor=world.founder, journey="business_startup", zone="chip_valley", form={}, draft=True
    )
    client.post(
        reverse("approvals:material_upload", args=[first.pk]),
        {"code": "id_copy", "file": SimpleUploadedFile("身份证.pdf", PDF)},
    )
    second = services.application_create(
        actor=world.founder, journey="business_startup", zone="chip_valley", form={}, draft=True
    )
    page = client.get(reverse("approvals:application_edit", args=[second.pk])).content.decode()
    assert "身份证.pdf" in page and "material-reuse" in page
    earlier = Material.objects.get()
    response = client.post(
        reverse("approvals:material_upload", args=[second.pk]),
        {"code": "id_copy", "material": earlier.pk},
    )
    assert response.status_code == 302
    assert list(second.materials.all()) == [earlier]
    assert Material.objects.count() == 1


def test_it_edits_a_draft_and_submits_it(client, world, approvals):
    login(client, world.founder)
    draft = services.application_create(
        actor=world.founder,
        journey="business_startup",
        zone="chip_valley",
        form={"company_name": "草稿"},
        draft=True,
    )
    edit_url = reverse("approvals:application_edit", args=[draft.pk])
    bad = client.post(edit_url, {**ANSWERS, "legal_representative_id": "123", "action": "draft"})
    assert bad.status_code == 422
    assert set(bad.context["form"].errors) == {"legal_representative_id"}
    draft.refresh_from_db()
    assert draft.form_data == {"company_name": "草稿"}
    incomplete = client.post(edit_url, {"company_name": "新名", "action": "submit"})
    assert incomplete.status_code == 422
    assert set(incomplete.context["form"].errors) == {
        "legal_representative_id",
        "contact_phone",
    }
    draft.refresh_from_db()
    assert (draft.state, draft.form_data) == (AS.DRAFT, {"company_name": "新名"})
    done = client.post(edit_url, {**ANSWERS, "seal_count": "2", "action": "submit"})
    assert done.status_code == 302
    draft.refresh_from_db()
    assert draft.state == AS.SUBMITTED
    assert draft.form_data == {**ANSWERS, "seal_count": 2}


def test_it_answers_409_when_submitting_twice(client, world, approvals):
    application = apply(world, world.founder)
    response = login(client, world.founder).post(
        reverse("approvals:application_submit", args=[application.pk])
    )
    assert response.status_code == 409
    assert application.item_cases.count() == 1
    edit = client.get(reverse("approvals:application_edit", args=[application.pk]))
    assert edit.status_code == 302 and edit.url == detail_url(application)


# ---- following, corrections, withdrawal, ratings, documents --------------------------------


def test_it_shows_due_time_and_pause_and_takes_corrections(client, world, approvals):
    application = apply(world)
    case = application.item_cases.get()
    login(client, world.enterprise_user)
    page = client.get(detail_url(application)).content.decode()
    assert "case-deadline" in page and f"{case.due_at.astimezone().year}" in page
    act(world, case, A.REQUEST_CORRECTION, reason="请补充住所证明")
    page = client.get(detail_url(application)).content.decode()
    assert "Clock paused (waiting for corrections)" in page or "暂停计时（补正中）" in page
    assert "请补充住所证明" in page and "correction-form" in page
    response = client.post(
        reverse("approvals:correction_supply", args=[case.pk]), {"note": "已补充"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == S.RECEIVED
    assert CaseEvent.objects.filter(item_case=case, action=A.SUPPLY_CORRECTION).get().reason == (
        "已补充"
    )


def test_it_answers_409_for_a_correction_nobody_asked_for(client, world, approvals):
    application = apply(world)
    case = application.item_cases.get()
    response = login(client, world.enterprise_user).post(
        reverse("approvals:correction_supply", args=[case.pk]), {"note": "多余"}
    )
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.state == S.RECEIVED
    assert not CaseEvent.objects.filter(action=A.SUPPLY_CORRECTION).exists()


def test_it_withdraws_after_confirmation(client, world, approvals):
    application = apply(world)
    login(client, world.enterprise_user)
    page = client.get(detail_url(application)).content.decode()
    assert "confirm(" in page
    url = reverse("approvals:application_withdraw", args=[application.pk])
    assert client.post(url).status_code == 302
    application.refresh_from_db()
    assert application.state == AS.WITHDRAWN
    assert application.item_cases.get().state == S.WITHDRAWN
    again = client.post(url)
    assert again.status_code == 409


def test_it_takes_one_rating_per_decided_item(client, world, approvals):
    application = apply(world)
    case = act(world, application.item_cases.get(), A.ACCEPT, A.APPROVE)
    login(client, world.enterprise_user)
    assert "rating-form" in client.get(detail_url(application)).content.decode()
    rate_url = reverse("approvals:case_rate", args=[case.pk])
    bad = client.post(rate_url, {"score": "9"})
    assert (
        bad.status_code == 422
        and "score" in bad.context["stages"][0]["items"][0]["cases"][0]["rating_form"].errors
    )
    assert client.post(rate_url, {"score": "4", "comment": "顺利"}).status_code == 302
    assert client.post(rate_url, {"score": "1"}).status_code == 302
    assert list(Rating.objects.values_list("score", "comment")) == [(4, "顺利")]
    page = client.get(detail_url(application)).content.decode()
    assert "4/5" in page and "rating-form" not in page


def test_it_streams_documents_to_those_who_see_the_application(client, world, approvals):
    application = apply(world)
    act(world, application.item_cases.get(), A.ACCEPT)
    document = Document.objects.get()
    url = reverse("approvals:document_download", args=[document.pk])
    page = login(client, world.enterprise_user).get(detail_url(application)).content.decode()
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]
    assert login(client, world.officer_a).get(url).status_code == 200
    assert login(client, world.other_enterprise_user).get(url).status_code == 404
    assert login(client, world.founder).get(url).status_code == 404


def test_it_shows_staff_the_page_read_only(client, world, approvals):
    application = apply(world)
    act(world, application.item_cases.get(), A.REQUEST_CORRECTION, reason="缺件")
    response = login(client, world.officer_a).get(detail_url(application))
    page = response.content.decode()
    assert response.status_code == 200
    assert "read-only-note" in page
    assert "application-withdraw" not in page and "correction-form" not in page
    assert login(client, world.officer_b).get(detail_url(application)).status_code == 404


# ---- another's application -----------------------------------------------------------------


def test_it_hides_another_enterprises_application_and_changes_nothing(client, world, approvals):
    application = apply(world)
    case = act(world, application.item_cases.get(), A.REQUEST_CORRECTION, reason="缺件")
    draft = apply(world, draft=True)
    audit = AuditEvent.objects.count()
    login(client, world.other_enterprise_user)
    pk, case_pk = application.pk, case.pk
    for name, args in (
        ("application_detail", [pk]),
        ("application_edit", [draft.pk]),
    ):
        assert client.get(reverse(f"approvals:{name}", args=args)).status_code == 404
    for name, args, data in (
        ("application_withdraw", [pk], {}),
        ("application_submit", [draft.pk], {}),
        ("application_edit", [draft.pk], {**ANSWERS, "action": "submit"}),
        ("material_upload", [draft.pk], {"code": "x"}),
        ("correction_supply", [case_pk], {"note": "冒充"}),
        ("case_rate", [case_pk], {"score": "1"}),
    ):
        assert client.post(reverse(f"approvals:{name}", args=args), data).status_code == 404
    application.refresh_from_db()
    draft.refresh_from_db()
    case.refresh_from_db()
    assert (application.state, draft.state, case.state) == (
        AS.SUBMITTED,
        AS.DRAFT,
        S.IN_CORRECTION,
    )
    assert AuditEvent.objects.count() == audit
    listed = client.get(reverse("approvals:application_list"))
    assert list(listed.context["page_obj"]) == []


# ---- the list -------------------------------------------------------------------------------


def test_it_lists_own_applications_with_a_state_filter(client, world, approvals):
    submitted = apply(world)
    draft = apply(world, draft=True)
    apply(world, world.founder)
    login(client, world.enterprise_user)
    listed = client.get(reverse("approvals:application_list"))
    assert list(listed.context["page_obj"]) == [draft, submitted]
    drafts = client.get(reverse("approvals:application_list"), {"state": "draft"})
    assert list(drafts.context["page_obj"]) == [draft]
    fragment = client.get(
        reverse("approvals:application_list"), {"state": "submitted"}, HTTP_HX_REQUEST="true"
    )
    assert "<html" not in fragment.content.decode()
    assert submitted.reference in fragment.content.decode()


def test_it_keeps_the_list_query_count_constant(
    client, world, approvals, django_assert_max_num_queries
):
    login(client, world.enterprise_user)
    for _ in range(2):
        apply(world)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("approvals:application_list"))
    for _ in range(10):
        apply(world, draft=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("approvals:application_list"))
    assert len(response.context["page_obj"]) == 12


def test_it_says_what_is_wrong_with_an_upload_without_a_file(client, world, approvals, id_copy):
    draft = apply(world, world.founder, draft=True)
    url = reverse("approvals:material_upload", args=[draft.pk])
    login(client, world.founder)
    no_file = client.post(url, {"code": "id_copy"})
    assert no_file.status_code == 422
    assert no_file.context["materials"][0]["errors"]
    unknown = client.post(url, {"code": "nonsense", "file": SimpleUploadedFile("a.pdf", PDF)})
    assert unknown.status_code == 422
    assert [str(m) for m in unknown.context["messages"]]
    assert not Material.objects.exists()


def test_it_shows_the_detail_page_in_a_constant_number_of_queries(
    client, world, approvals, django_assert_max_num_queries
):
    application = apply(world)
    act(world, application.item_cases.get(), A.ACCEPT, A.APPROVE)
    login(client, world.enterprise_user)
    with django_assert_max_num_queries(60) as counted:
        client.get(detail_url(application))
    act(
        world, application.item_cases.get(stage_order=2), A.ACCEPT, A.REQUEST_CORRECTION, reason="x"
    )
    with django_assert_max_num_queries(len(counted.captured_queries) + 2):
        response = client.get(detail_url(application))
    assert response.status_code == 200
