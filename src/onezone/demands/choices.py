"""Choices of the demands app, with the demand transition table next to its states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    ONLINE = "online", _("Online portal")
    COFFEE_TIME = "coffee_time", _("Coffee Time")
    LIAISON = "liaison", _("Liaison visit")
    HAPPINESS_CENTER = "happiness_center", _("Happiness Center")
    OPEN311 = "open311", _("Open311")


class Priority(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    UTILITIES = "utilities", _("Utilities")
    ORDINARY = "ordinary", _("Ordinary")
    COMPLEX = "complex", _("Complex")


class CategoryGroup(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    APPROVAL = "approval", _("Approvals and licences")
    POLICY = "policy", _("Policies and funding")
    FACTORS = "factors", _("Land, utilities and premises")
    TALENT = "talent", _("Talent and employment")
    FINANCE = "finance", _("Finance and tax")
    ENVIRONMENT = "environment", _("Environment and safety")
    MARKET = "market", _("Market order and rights")
    AMENITY = "amenity", _("Amenities")


class DemandState(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    DISPATCHED = "dispatched", _("Dispatched")
    RETURN_REQUESTED = "return_requested", _("Return requested")
    IN_PROGRESS = "in_progress", _("In progress")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    REPLIED = "replied", _("Replied")
    REVIEWED = "reviewed", _("Reviewed")
    CALLBACK_DONE = "callback_done", _("Called back")
    CLOSED = "closed", _("Closed")


class DemandAction(models.TextChoices):
    DISPATCH = "dispatch", _("Dispatch")
    ANSWER_DIRECTLY = "answer_directly", _("Answer directly")
    SIGN = "sign", _("Sign for")
    REQUEST_RETURN = "request_return", _("Request return")
    APPROVE_RETURN = "approve_return", _("Approve return")
    REJECT_RETURN = "reject_return", _("Reject return")
    CONTACT = "contact", _("Record first contact")
    REQUEST_EXTENSION = "request_extension", _("Request extension")
    APPROVE_EXTENSION = "approve_extension", _("Approve extension")
    REJECT_EXTENSION = "reject_extension", _("Reject extension")
    REPLY = "reply", _("Reply")
    REVIEW = "review", _("Review the reply")
    CALLBACK = "callback", _("Call back")
    CLOSE = "close", _("Close the demand")
    REOPEN = "reopen", _("Reopen")
    SUPERVISE = "supervise", _("Supervise")
    URGE = "urge", _("Urge")


class ReviewDecision(models.TextChoices):
    ACCEPT = "accept", _("Accept the reply")
    SEND_BACK = "send_back", _("Send back")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


S, A = DemandState, DemandAction
# state -> {action: next state}. `review` goes to REVIEWED or back to IN_PROGRESS by its
# decision (REVIEW_TARGETS). Anything not listed is refused with 409 and changes nothing.
TRANSITIONS: dict[str, dict[str, str]] = {
    S.ACCEPTED: {A.DISPATCH: S.DISPATCHED, A.ANSWER_DIRECTLY: S.CLOSED},
    S.DISPATCHED: {A.SIGN: S.IN_PROGRESS, A.REQUEST_RETURN: S.RETURN_REQUESTED},
    S.RETURN_REQUESTED: {A.APPROVE_RETURN: S.ACCEPTED, A.REJECT_RETURN: S.DISPATCHED},
    S.IN_PROGRESS: {
        A.CONTACT: S.IN_PROGRESS,
        A.REQUEST_EXTENSION: S.EXTENSION_REQUESTED,
        A.REPLY: S.REPLIED,
    },
    S.EXTENSION_REQUESTED: {A.APPROVE_EXTENSION: S.IN_PROGRESS, A.REJECT_EXTENSION: S.IN_PROGRESS},
    S.REPLIED: {A.REVIEW: S.REVIEWED},
    S.REVIEWED: {A.CALLBACK: S.CALLBACK_DONE},
    S.CALLBACK_DONE: {A.CLOSE: S.CLOSED, A.REOPEN: S.IN_PROGRESS},
    S.CLOSED: {},
}
REVIEW_TARGETS = {ReviewDecision.ACCEPT: S.REVIEWED, ReviewDecision.SEND_BACK: S.IN_PROGRESS}
# Flags that any open state allows; the state stays.
FLAG_ACTIONS = frozenset({A.SUPERVISE, A.URGE})
OPEN_STATES = frozenset(set(DemandState.values) - {S.CLOSED})
for _state in OPEN_STATES:
    TRANSITIONS[_state].update({A.SUPERVISE: _state, A.URGE: _state})

# Who takes each action: the responsible unit (lead unit officers) or the coordinators (the
# receiving unit, hotline operators, officers of the demand's zone, administrators).
UNIT_ACTIONS = frozenset({A.SIGN, A.REQUEST_RETURN, A.CONTACT, A.REQUEST_EXTENSION, A.REPLY})
COORDINATOR_ACTIONS = frozenset(set(DemandAction.values) - UNIT_ACTIONS)
# Actions that must say why.
REASON_REQUIRED = frozenset(
    {
        A.REQUEST_RETURN,
        A.REJECT_RETURN,
        A.REQUEST_EXTENSION,
        A.REJECT_EXTENSION,
        A.REOPEN,
        A.SUPERVISE,
        A.URGE,
    }
)
# The states whose clock is counted, and which stage's deadline `due_at` shows.
STAGE_OF_STATE = {
    S.ACCEPTED: "dispatch",
    S.DISPATCHED: "sign",
    S.RETURN_REQUESTED: "sign",
    S.IN_PROGRESS: "reply",
    S.EXTENSION_REQUESTED: "reply",
}


class CoffeeSessionState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    REPORTED = "reported", _("Follow-up reported")
    CANCELLED = "cancelled", _("Cancelled")


class CoffeeIssueOutcome(models.TextChoices):
    DEMAND = "demand", _("Became a demand")
    SOLVED_ON_SPOT = "solved_on_spot", _("Solved on the spot")
