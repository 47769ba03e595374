"""Materials: checked uploads (type, size, content), required at submission, reused within the
same enterprise (or founder) only."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from onezone.approvals import services
from onezone.approvals.choices import ApplicationState
from onezone.approvals.models import Application, Material
from onezone.approvals.services.catalogue import spec_save
from onezone.approvals.services.materials import reusable_materials, spec_materials_of
from onezone.approvals.tests.conftest import FORM_FIELDS
from onezone.approvals.tests.test_transitions import FORM
from onezone.core.errors import ConflictError
from onezone.core.models import AuditEvent

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture
def with_materials(world, approvals, settings, tmp_path):
    """The registration asks for articles (required, PDF, 1 MB) and premises (optional)."""
    settings.MEDIA_ROOT = str(tmp_path)
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
                "code": "articles",
                "name": "公司章程",
                "is_required": True,
                "accepted_types": "pdf",
                "max_size_mb": 1,
            },
            {
                "code": "premises",
                "name": "住所使用证明",
                "is_required": False,
                "accepted_types": "pdf,jpg",
                "max_size_mb": 2,
            },
        ],
    )
    return tmp_path


def draft(world, actor=None, enterprise=None):
    return services.application_create(
        actor=actor or world.founder,
        journey="business_startup",
        zone="chip_valley",
        enterprise=enterprise,
        form=FORM,
        draft=True,
    )


def upload(world, application, code, name, content, actor=None):
    return services.material_upload(
        actor=actor or application.applicant,
        application=application,
        code=code,
        uploaded=SimpleUploadedFile(name, content),
    )


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.mark.parametrize(
    ("code", "name", "content", "error_code"),
    [
        ("articles", "articles.jpg", JPG, "file_type"),
        ("articles", "articles", PDF, "file_type"),
        ("premises", "premises.png", PNG, "file_type"),
        ("articles", "articles.pdf", b"%PDF-" + b"0" * (1024 * 1024), "file_size"),
        ("articles", "articles.pdf", PNG, "file_content"),
        ("premises", "premises.jpg", PDF, "file_content"),
        ("premises", "premises.pdf", b"", "file_content"),
    ],
)
def test_bad_upload_is_a_file_error_and_stores_nothing(
    world, with_materials, code, name, content, error_code
):
    application = draft(world)
    audit = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        upload(world, application, code, name, content)
    assert list(caught.value.error_dict) == ["file"]
    assert caught.value.error_dict["file"][0].code == error_code
    assert not Material.objects.exists()
    assert stored_files(with_materials) == []
    assert AuditEvent.objects.count() == audit


def test_exactly_the_size_limit_is_accepted(world, with_materials):
    content = b"%PDF-" + b"0" * (1024 * 1024 - 5)
    material = upload(world, draft(world), "articles", "Articles.PDF", content)
    assert material.size_bytes == 1024 * 1024


def test_upload_is_stored_hashed_and_attached(world, with_materials):
    application = draft(world)
    material = upload(world, application, "premises", "租赁合同.jpg", JPG)
    assert material.code == "premises"
    assert material.original_name == "租赁合同.jpg"
    assert material.sha256 == hashlib.sha256(JPG).hexdigest()
    assert material.size_bytes == len(JPG)
    assert material.owner == world.founder
    assert material.enterprise is None
    assert list(application.materials.all()) == [material]
    assert material.file.read() == JPG
    assert len(stored_files(with_materials)) == 1
    assert AuditEvent.objects.filter(action="material.upload").count() == 1
    # A newer upload for the same code replaces the older one on this application.
    newer = upload(world, application, "premises", "租赁合同-新.pdf", PDF)
    assert list(application.materials.all()) == [newer]
    assert Material.objects.count() == 2


def test_unknown_code_and_outsiders_are_refused(world, with_materials):
    application = draft(world)
    with pytest.raises(ValidationError) as caught:
        upload(world, application, "passport", "p.pdf", PDF)
    assert list(caught.value.error_dict) == ["code"]
    for outsider in (world.officer_a, world.enterprise_user, world.nobody):
        with pytest.raises(PermissionDenied):
            upload(world, application, "articles", "a.pdf", PDF, actor=outsider)
    assert not Material.objects.exists()


def test_required_materials_missing_at_submission(world, with_materials):
    application = draft(world)
    with pytest.raises(ValidationError) as caught:
        services.application_submit(actor=world.founder, application=application)
    assert list(caught.value.error_dict) == ["materials.articles"]
    assert caught.value.error_dict["materials.articles"][0].code == "required"
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT
    assert not application.item_cases.exists()
    upload(world, application, "articles", "章程.pdf", PDF)
    application = services.application_submit(actor=world.founder, application=application)
    assert application.state == ApplicationState.SUBMITTED
    assert application.item_cases.count() == 1


def test_direct_submission_without_materials_is_refused(world, with_materials):
    with pytest.raises(ValidationError) as caught:
        services.application_create(
            actor=world.founder, journey="business_startup", zone="chip_valley", form=FORM
        )
    assert list(caught.value.error_dict) == ["materials.articles"]
    assert not Application.objects.exists()


def test_reuse_within_the_same_enterprise_only(world, with_materials):
    uscc = world.enterprise.uscc
    first = draft(world, actor=world.enterprise_user, enterprise=uscc)
    older = upload(world, first, "articles", "章程-旧.pdf", PDF)
    latest = upload(world, first, "articles", "章程.pdf", PDF + b"%v2")
    premises = upload(world, first, "premises", "住所.jpg", JPG)
    second = draft(world, actor=world.enterprise_user, enterprise=uscc)
    offered = reusable_materials(actor=world.enterprise_user, application=second)
    assert offered == {"articles": latest, "premises": premises}
    services.material_reuse(actor=world.enterprise_user, application=second, material=latest)
    assert list(second.materials.all()) == [latest]
    assert set(first.materials.all()) == {latest, premises}
    assert AuditEvent.objects.filter(action="material.reuse").count() == 1
    # An older upload is not offered again.
    with pytest.raises(ValidationError) as caught:
        services.material_reuse(actor=world.enterprise_user, application=second, material=older)
    assert list(caught.value.error_dict) == ["material"]
    # The founder and another enterprise's user are offered none of it and may not take it.
    for outsider in (world.founder, world.other_enterprise_user):
        own = draft(world, actor=outsider)
        assert reusable_materials(actor=outsider, application=own) == {}
        with pytest.raises(ValidationError):
            services.material_reuse(actor=outsider, application=own, material=latest)
        assert not own.materials.exists()
    # Nor may they attach it to the enterprise's application.
    with pytest.raises(PermissionDenied):
        services.material_reuse(actor=world.founder, application=second, material=premises)


def test_founders_own_uploads_are_offered_to_them(world, with_materials):
    first = draft(world)
    mine = upload(world, first, "articles", "章程.pdf", PDF)
    upload(world, draft(world, actor=world.enterprise_user), "articles", "x.pdf", PDF)
    second = draft(world)
    assert reusable_materials(actor=world.founder, application=second) == {"articles": mine}
    services.material_reuse(actor=world.founder, application=second, material=mine)
    application = services.application_submit(actor=world.founder, application=second)
    assert application.state == ApplicationState.SUBMITTED


def test_closed_application_takes_no_upload(world, with_materials):
    application = draft(world)
    services.application_withdraw(actor=world.founder, application=application)
    with pytest.raises(ConflictError):
        upload(world, application, "articles", "a.pdf", PDF)
    assert not Material.objects.exists()
    assert stored_files(with_materials) == []


def test_materials_change_after_submission_only_during_corrections(world, with_materials):
    from onezone.approvals.choices import ItemAction
    from onezone.approvals.tests.test_transitions import act

    application = draft(world)
    first = upload(world, application, "articles", "章程.pdf", PDF)
    application = services.application_submit(actor=world.founder, application=application)
    for attempt in (
        lambda: upload(world, application, "articles", "章程-改.pdf", PDF + b"%x"),
        lambda: services.material_reuse(
            actor=world.founder, application=application, material=first
        ),
    ):
        with pytest.raises(ConflictError):
            attempt()
    assert list(application.materials.all()) == [first]
    case = act(world, application.item_cases.get(), ItemAction.REQUEST_CORRECTION)
    corrected = upload(world, application, "articles", "章程-改.pdf", PDF + b"%x")
    assert list(application.materials.all()) == [corrected]
    act(world, case, ItemAction.SUPPLY_CORRECTION)
    with pytest.raises(ConflictError):
        upload(world, application, "premises", "住所.jpg", JPG)


def test_a_material_is_required_when_any_item_requires_it(world, approvals):
    # REG-001 (sorted first) takes the ID copy as optional, SEAL-001 requires it.
    for spec, required in ((approvals.registration, False), (approvals.seal, True)):
        spec_save(
            actor=world.admin,
            matter=spec.matter,
            data={
                "statutory_limit_working_days": 20,
                "promised_limit_working_days": "1",
                "fee_cny": "0",
                "result_document": "结果",
                "form_fields": FORM_FIELDS,
            },
            materials=[
                {
                    "code": "id_copy",
                    "name": "身份证复印件",
                    "is_required": required,
                    "accepted_types": "pdf",
                    "max_size_mb": 1,
                }
            ],
        )
    application = draft(world)

    (material,) = spec_materials_of(application)

    assert (material.code, material.is_required) == ("id_copy", True)
