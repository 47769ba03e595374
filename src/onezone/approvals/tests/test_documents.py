"""Official documents: issued by the actions that call for them, numbered per kind and year,
kept as PDF bytes."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from onezone.approvals.choices import DocumentKind, ItemAction
from onezone.approvals.documents import DocumentText, render_pdf
from onezone.approvals.models import Document
from onezone.approvals.services.notices import document_file_name
from onezone.approvals.tests.test_transitions import PATHS, act, apply_for, reach, stage_case
from onezone.core.clock import simulated_time

SH = ZoneInfo("Asia/Shanghai")
A, K = ItemAction, DocumentKind


def is_pdf(content) -> bool:
    content = bytes(content)
    return content.startswith(b"%PDF") and content.rstrip().endswith(b"%%EOF")


def pages(content: bytes) -> int:
    return content.count(b"/Type /Page") - content.count(b"/Type /Pages")


@pytest.mark.parametrize(
    ("state", "action", "kind", "number"),
    [
        ("received", A.ACCEPT, K.ACCEPTANCE_NOTICE, "受〔2025〕1号"),
        ("received", A.REQUEST_CORRECTION, K.CORRECTION_NOTICE, "补〔2025〕1号"),
        ("received", A.NOT_ACCEPT, K.NON_ACCEPTANCE_DECISION, "不受〔2025〕1号"),
        ("processing", A.APPROVE, K.APPROVAL_DECISION, "准〔2025〕1号"),
        ("accepted", A.APPROVE_PENDING, K.APPROVAL_DECISION, "准〔2025〕1号"),
        ("processing", A.REJECT, K.REJECTION_DECISION, "不准〔2025〕1号"),
    ],
)
def test_action_issues_its_document(world, approvals, state, action, kind, number):
    with simulated_time(datetime(2025, 9, 30, 9, 0, tzinfo=SH)):
        case = reach(world, state)
        before = set(Document.objects.values_list("pk", flat=True))
    moment = datetime(2025, 10, 9, 10, 0, tzinfo=SH)
    with simulated_time(moment):
        act(world, case, action)
    issued = Document.objects.exclude(pk__in=before)
    assert issued.count() == 1
    document = issued.get()
    assert (document.item_case, document.kind, document.number) == (case, kind, number)
    assert document.issued_at == moment
    assert is_pdf(document.content)
    assert document_file_name(document).endswith(".pdf")


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("received", A.WITHDRAW),
        ("accepted", A.START_PROCESSING),
        ("in_correction", A.SUPPLY_CORRECTION),
        ("processing", A.START_SPECIAL),
        ("in_special_procedure", A.END_SPECIAL),
        ("approved_pending_materials", A.COMPLETE_MATERIALS),
        ("approved", A.REVOKE),
    ],
)
def test_other_actions_issue_no_document(world, approvals, state, action):
    case = reach(world, state)
    count = Document.objects.count()
    act(world, case, action)
    assert Document.objects.count() == count


def test_documents_along_a_case(world, approvals):
    case = reach(world, "received")
    for action in PATHS["in_correction"] + [A.SUPPLY_CORRECTION, A.ACCEPT, A.APPROVE]:
        act(world, case, action)
    assert list(case.documents.order_by("id").values_list("kind", flat=True)) == [
        K.CORRECTION_NOTICE,
        K.ACCEPTANCE_NOTICE,
        K.APPROVAL_DECISION,
    ]


def test_numbers_count_per_kind_and_restart_each_year(world, approvals):
    numbers = []
    for moment in (
        datetime(2025, 12, 31, 9, 0, tzinfo=SH),
        datetime(2025, 12, 31, 23, 30, tzinfo=SH),  # still 2025 in Shanghai (15:30 UTC)
        datetime(2026, 1, 1, 0, 30, tzinfo=SH),  # 2026 in Shanghai, still 2025 in UTC
        datetime(2026, 1, 2, 10, 0, tzinfo=SH),
    ):
        with simulated_time(moment):
            case = stage_case(apply_for(world))
            act(world, case, A.ACCEPT)
            numbers.append(case.documents.get().number)
    assert numbers == ["受〔2025〕1号", "受〔2025〕2号", "受〔2026〕1号", "受〔2026〕2号"]
    # Another kind counts on its own.
    with simulated_time(datetime(2026, 1, 2, 11, 0, tzinfo=SH)):
        case = stage_case(apply_for(world))
        act(world, case, A.NOT_ACCEPT)
    assert case.documents.get().number == "不受〔2026〕1号"


def test_pdf_is_deterministic_and_paginates_long_text():
    text = DocumentText(
        title="补正材料告知书",
        number="补〔2025〕1号",
        addressee="芯谷示例科技有限公司：",
        paragraphs=["请补正：" + "公司章程缺少全体股东签字。" * 200],
        issuer="政务服务科",
        issued_on="2025年10月09日",
    )
    first, second = render_pdf(text), render_pdf(text)
    assert first == second
    assert is_pdf(first)
    assert pages(first) >= 2
    short = render_pdf(
        DocumentText("受理通知书", "受〔2025〕1号", "某：", ["受理。"], "科", "今日")
    )
    assert pages(short) == 1
