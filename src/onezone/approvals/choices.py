"""Choices of the approvals app, with the item-case transition table next to its states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NationalStage(models.IntegerChoices):
    """The national stages of construction project approval (工程建设项目审批)."""

    PROJECT_LAND = 1, _("Project approval and land-use planning permit")
    CONSTRUCTION_PERMIT = 2, _("Construction works planning permit")
    CONSTRUCTION_START = 3, _("Construction permit")
    COMPLETION = 4, _("Completion acceptance")
    PARALLEL = 5, _("Handled in parallel")


class FieldType(models.TextChoices):
    STRING = "string", _("Text (one line)")
    TEXT = "text", _("Text (several lines)")
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Number")
    DATE = "date", _("Date")
    BOOLEAN = "boolean", _("Yes or no")
    CHOICE = "choice", _("Choice")
    PHONE = "phone", _("Phone number")
    EMAIL = "email", _("Email address")
    ID_NUMBER = "id_number", _("Resident ID number")
    USCC = "uscc", _("Unified social credit code")


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


APPLICATION_OPEN_STATES = frozenset({ApplicationState.SUBMITTED, ApplicationState.IN_PROGRESS})


class ItemCaseState(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    PROCESSING = "processing", _("Processing")
    IN_CORRECTION = "in_correction", _("Waiting for corrections")
    IN_SPECIAL_PROCEDURE = "in_special_procedure", _("In a special procedure")
    APPROVED_PENDING_MATERIALS = "approved_pending_materials", _("Approved, materials to follow")
    APPROVED = "approved", _("Approved")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REVOKED = "revoked", _("Revoked")


class ItemAction(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    NOT_ACCEPT = "not_accept", _("Do not accept")
    REQUEST_CORRECTION = "request_correction", _("Request corrections")
    SUPPLY_CORRECTION = "supply_correction", _("Corrections supplied")
    WITHDRAW = "withdraw", _("Withdraw")
    START_PROCESSING = "start_processing", _("Start processing")
    START_SPECIAL = "start_special", _("Start a special procedure")
    END_SPECIAL = "end_special", _("End the special procedure")
    APPROVE = "approve", _("Approve")
    APPROVE_PENDING = "approve_pending", _("Approve with materials to follow")
    COMPLETE_MATERIALS = "complete_materials", _("Materials completed")
    REJECT = "reject", _("Reject")
    REVOKE = "revoke", _("Revoke")


S, A = ItemCaseState, ItemAction
# state -> {action: next state}; `supply_correction` returns to the state the case came from
# (PREVIOUS). Anything not listed is refused with 409 and changes nothing.
PREVIOUS = "previous"
TRANSITIONS: dict[str, dict[str, str]] = {
    S.RECEIVED: {
        A.ACCEPT: S.ACCEPTED,
        A.NOT_ACCEPT: S.NOT_ACCEPTED,
        A.REQUEST_CORRECTION: S.IN_CORRECTION,
        A.WITHDRAW: S.WITHDRAWN,
    },
    S.ACCEPTED: {
        A.START_PROCESSING: S.PROCESSING,
        A.REQUEST_CORRECTION: S.IN_CORRECTION,
        A.APPROVE: S.APPROVED,
        A.APPROVE_PENDING: S.APPROVED_PENDING_MATERIALS,
        A.REJECT: S.REJECTED,
        A.WITHDRAW: S.WITHDRAWN,
    },
    S.PROCESSING: {
        A.START_SPECIAL: S.IN_SPECIAL_PROCEDURE,
        A.REQUEST_CORRECTION: S.IN_CORRECTION,
        A.APPROVE: S.APPROVED,
        A.APPROVE_PENDING: S.APPROVED_PENDING_MATERIALS,
        A.REJECT: S.REJECTED,
        A.WITHDRAW: S.WITHDRAWN,
    },
    S.IN_CORRECTION: {A.SUPPLY_CORRECTION: PREVIOUS, A.WITHDRAW: S.WITHDRAWN},
    S.IN_SPECIAL_PROCEDURE: {A.END_SPECIAL: S.PROCESSING},
    S.APPROVED_PENDING_MATERIALS: {A.COMPLETE_MATERIALS: S.APPROVED, A.REVOKE: S.REVOKED},
    S.APPROVED: {A.REVOKE: S.REVOKED},
    S.NOT_ACCEPTED: {},
    S.REJECTED: {},
    S.WITHDRAWN: {},
    S.REVOKED: {},
}
del S, A

# Actions the applicant takes; every other action is the holder unit's.
APPLICANT_ACTIONS = frozenset({ItemAction.SUPPLY_CORRECTION, ItemAction.WITHDRAW})
# Actions that must say why (the reason goes into the timeline, the audit and the notice).
REASON_REQUIRED = frozenset(
    {
        ItemAction.NOT_ACCEPT,
        ItemAction.REQUEST_CORRECTION,
        ItemAction.START_SPECIAL,
        ItemAction.REJECT,
        ItemAction.REVOKE,
    }
)
# An item is decided once it reaches one of these; a stage completes when all its items are.
DECIDED_STATES = frozenset(
    {
        ItemCaseState.APPROVED,
        ItemCaseState.APPROVED_PENDING_MATERIALS,
        ItemCaseState.NOT_ACCEPTED,
        ItemCaseState.REJECTED,
        ItemCaseState.WITHDRAWN,
        ItemCaseState.REVOKED,
    }
)
# A mandatory item ending in one of these ends the application as rejected.
FAILED_STATES = frozenset(
    {
        ItemCaseState.NOT_ACCEPTED,
        ItemCaseState.REJECTED,
        ItemCaseState.WITHDRAWN,
        ItemCaseState.REVOKED,
    }
)
PAUSED_STATES = frozenset({ItemCaseState.IN_CORRECTION, ItemCaseState.IN_SPECIAL_PROCEDURE})


class DocumentKind(models.TextChoices):
    ACCEPTANCE_NOTICE = "acceptance_notice", _("Notice of acceptance")
    CORRECTION_NOTICE = "correction_notice", _("Notice of corrections required")
    NON_ACCEPTANCE_DECISION = "non_acceptance_decision", _("Decision not to accept")
    APPROVAL_DECISION = "approval_decision", _("Approval decision")
    REJECTION_DECISION = "rejection_decision", _("Decision to refuse")


# Documents issued by an action (行政许可法 Art. 32, 38).
DOCUMENT_OF_ACTION = {
    ItemAction.ACCEPT: DocumentKind.ACCEPTANCE_NOTICE,
    ItemAction.REQUEST_CORRECTION: DocumentKind.CORRECTION_NOTICE,
    ItemAction.NOT_ACCEPT: DocumentKind.NON_ACCEPTANCE_DECISION,
    ItemAction.APPROVE: DocumentKind.APPROVAL_DECISION,
    ItemAction.APPROVE_PENDING: DocumentKind.APPROVAL_DECISION,
    ItemAction.REJECT: DocumentKind.REJECTION_DECISION,
}
