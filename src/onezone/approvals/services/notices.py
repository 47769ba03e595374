"""Official notices and decisions: numbered, drawn as PDFs from the case's data, kept."""

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from onezone.approvals.choices import DocumentKind
from onezone.approvals.documents import DocumentText, render_pdf
from onezone.approvals.models import Document, ItemCase
from onezone.core import clock
from onezone.core.errors import ConflictError

TITLES = {
    DocumentKind.ACCEPTANCE_NOTICE: "受理通知书",
    DocumentKind.CORRECTION_NOTICE: "补正材料告知书",
    DocumentKind.NON_ACCEPTANCE_DECISION: "不予受理决定书",
    DocumentKind.APPROVAL_DECISION: "准予行政许可决定书",
    DocumentKind.REJECTION_DECISION: "不予行政许可决定书",
}
# Prefixes of document numbers, e.g. 受〔2026〕12号.
NUMBER_ATTEMPTS = 5
PREFIXES = {
    DocumentKind.ACCEPTANCE_NOTICE: "受",
    DocumentKind.CORRECTION_NOTICE: "补",
    DocumentKind.NON_ACCEPTANCE_DECISION: "不受",
    DocumentKind.APPROVAL_DECISION: "准",
    DocumentKind.REJECTION_DECISION: "不准",
}


def _paragraphs(case: ItemCase, kind: str, reason: str) -> list[str]:
    matter = case.journey_item.spec.matter.name
    received = f"{timezone.localtime(case.received_at):%Y年%m月%d日}"
    spec = case.journey_item.spec
    if kind == DocumentKind.ACCEPTANCE_NOTICE:
        return [
            f"你（单位）于{received}提出的“{matter}”申请（申请编号 {case.application.reference}），"
            "申请材料齐全、符合法定形式，根据《中华人民共和国行政许可法》第三十二条，决定予以受理。",
            f"本机关承诺自受理之日起 {spec.promised_limit_working_days} 个工作日内作出决定"
            f"（法定时限 {spec.statutory_limit_working_days} 个工作日，受理当日不计入）。",
        ]
    if kind == DocumentKind.CORRECTION_NOTICE:
        return [
            f"你（单位）提出的“{matter}”申请（申请编号 {case.application.reference}），"
            "申请材料不齐全或者不符合法定形式。根据《中华人民共和国行政许可法》第三十二条，"
            "请按以下要求补正：",
            reason,
            "补正期间不计入办理时限；补正材料提交后继续办理。",
        ]
    if kind == DocumentKind.NON_ACCEPTANCE_DECISION:
        return [
            f"你（单位）提出的“{matter}”申请（申请编号 {case.application.reference}），经审查，"
            f"决定不予受理。理由：{reason}",
            "如不服本决定，可依法申请行政复议或者提起行政诉讼。",
        ]
    if kind == DocumentKind.APPROVAL_DECISION:
        return [
            f"你（单位）提出的“{matter}”申请（申请编号 {case.application.reference}），"
            "经审查，符合法定条件、标准，根据《中华人民共和国行政许可法》第三十八条，"
            f"决定准予行政许可。结果文书：{spec.result_document}。",
        ]
    return [
        f"你（单位）提出的“{matter}”申请（申请编号 {case.application.reference}），经审查，"
        f"决定不予行政许可。理由：{reason}",
        "如不服本决定，可依法申请行政复议或者提起行政诉讼。",
    ]


def _number(kind: str, offset: int = 0) -> str:
    year = clock.today().year
    prefix = PREFIXES[kind]
    issued = Document.objects.filter(kind=kind, issued_at__year=year).aggregate(n=Count("id"))["n"]
    return f"{prefix}〔{year}〕{issued + 1 + offset}号"


def _addressee(case: ItemCase) -> str:
    application = case.application
    if application.enterprise_id:
        return f"{application.enterprise.name}："
    return f"{application.form_data.get('company_name') or application.applicant.full_name}："


def document_issue(*, item_case: ItemCase, kind: str, reason: str = "") -> Document:
    """Draw and keep the document an action issues; runs in the action's transaction.

    Numbers follow the count of the year's documents of the kind; when a concurrent action took
    the same number first, the unique constraint refuses ours and the next number is tried.
    """
    for offset in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                return _issue(item_case, kind, reason, _number(kind, offset))
        except IntegrityError:
            continue
    raise ConflictError(_("Too many documents are being issued at once; try again."))


def _issue(item_case: ItemCase, kind: str, reason: str, number: str) -> Document:
    text = DocumentText(
        title=TITLES[kind],
        number=number,
        addressee=_addressee(item_case),
        paragraphs=_paragraphs(item_case, kind, reason),
        issuer=str(item_case.holder_unit),
        issued_on=f"{timezone.localtime(clock.now()):%Y年%m月%d日}",
    )
    return Document.objects.create(
        item_case=item_case,
        kind=kind,
        number=number,
        content=render_pdf(text),
        issued_at=clock.now(),
    )


def document_file_name(document: Document) -> str:
    return _("%(title)s-%(number)s.pdf") % {
        "title": TITLES[document.kind],
        "number": document.number.replace("〔", "-").replace("〕", "-"),
    }
