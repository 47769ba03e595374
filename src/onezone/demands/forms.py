"""Forms of the demands app: input shapes only; the services hold the rules."""

from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from onezone.demands.choices import (
    Channel,
    DemandAction,
    DemandState,
    Priority,
    ReviewDecision,
    Satisfaction,
)
from onezone.demands.models import DemandCategory
from onezone.demands.services.demands import ATTACHMENT_SIGNATURES, MAX_ATTACHMENT_BYTES
from onezone.org.models import Unit, Zone

A = DemandAction
# The keys of `demand_act`'s data each action reads (the API contract's), so a form posted
# for one action never sends another action's leftovers.
ACTION_FIELDS: dict[str, tuple[str, ...]] = {
    A.DISPATCH: ("lead_unit", "co_units", "unclear"),
    A.ANSWER_DIRECTLY: ("content",),
    A.SIGN: (),
    A.REQUEST_RETURN: ("reason",),
    A.APPROVE_RETURN: (),
    A.REJECT_RETURN: ("reason",),
    A.CONTACT: ("note",),
    A.REQUEST_EXTENSION: ("working_days", "reason"),
    A.APPROVE_EXTENSION: (),
    A.REJECT_EXTENSION: ("reason",),
    A.REPLY: ("content",),
    A.REVIEW: ("decision", "reason"),
    A.CALLBACK: ("valid", "contacted", "resolved", "satisfaction", "unit_at_fault", "note"),
    A.CLOSE: (),
    A.REOPEN: ("reason",),
    A.SUPERVISE: ("reason",),
    A.URGE: ("reason",),
}
BLANK = [("", "—")]

# Accepted attachment types: extension -> (declared content types, first bytes). An upload
# must be what its name says; browsers send octet-stream for types they do not know.
ATTACHMENT_TYPES: dict[str, tuple[tuple[str, ...], tuple[bytes, ...]]] = {
    "pdf": (("application/pdf",), (b"%PDF-",)),
    "jpg": (("image/jpeg",), (b"\xff\xd8\xff",)),
    "jpeg": (("image/jpeg",), (b"\xff\xd8\xff",)),
    "png": (("image/png",), (b"\x89PNG\r\n\x1a\n",)),
    "docx": (
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
        (b"PK\x03\x04",),
    ),
    "xlsx": (
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",),
        (b"PK\x03\x04",),
    ),
    "ofd": (("application/ofd",), (b"PK\x03\x04",)),
}
# The service checks the same types and limit again (API uploads bypass this form).
assert set(ATTACHMENT_TYPES) == set(ATTACHMENT_SIGNATURES)
TOLERATED_CONTENT_TYPES = ("application/octet-stream", "application/zip")
ATTACHMENT_MAX_MB = MAX_ATTACHMENT_BYTES // (1024 * 1024)
ATTACHMENT_MAX_COUNT = 5


def _units():
    return Unit.objects.select_related("body").order_by("body__name", "name")


def _categories():
    return DemandCategory.objects.filter(is_active=True)


# ---- the list's filters --------------------------------------------------------------------


class DemandFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput({"placeholder": _("Reference, title, caller or enterprise")}),
    )
    state = forms.ChoiceField(label=_("State"), required=False, choices=BLANK)
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=BLANK)
    priority = forms.ChoiceField(label=_("Priority"), required=False, choices=BLANK)
    category = forms.ModelChoiceField(
        label=_("Category"), required=False, queryset=DemandCategory.objects.none()
    )
    zone = forms.ModelChoiceField(label=_("Zone"), required=False, queryset=Zone.objects.none())
    unit = forms.ModelChoiceField(label=_("Unit"), required=False, queryset=Unit.objects.none())
    is_overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    is_legacy = forms.BooleanField(label=_("Legacy problems only"), required=False)

    def __init__(self, *args, is_staff: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All states")), *DemandState.choices]
        self.fields["channel"].choices = [("", _("All channels")), *Channel.choices]
        self.fields["priority"].choices = [("", _("All priorities")), *Priority.choices]
        self.fields["category"].queryset = DemandCategory.objects.all()
        self.fields["category"].empty_label = _("All categories")
        if is_staff:
            self.fields["zone"].queryset = Zone.objects.order_by("name")
            self.fields["zone"].empty_label = _("All zones")
            self.fields["unit"].queryset = _units()
            self.fields["unit"].empty_label = _("All units")
        else:
            # The public side filters its own demands; zones and units are staff vocabulary.
            del self.fields["zone"], self.fields["unit"]

    def filters(self) -> dict:
        """The selector's filters from the valid fields (an invalid one is ignored)."""
        data = getattr(self, "cleaned_data", {})
        filters = {key: value for key, value in data.items() if value not in (None, "", False)}
        for key in ("category", "zone", "unit"):
            if key in filters:
                filters[key] = filters[key].pk
        return filters


# ---- actions on one demand -----------------------------------------------------------------


class DemandActionForm(forms.Form):
    """Every field any action reads; `data()` keeps only the chosen action's ones."""

    action = forms.ChoiceField(choices=DemandAction.choices)
    version = forms.IntegerField(required=False, min_value=1)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=1000, widget=forms.Textarea({"rows": 2})
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea({"rows": 2})
    )
    content = forms.CharField(
        label=_("Answer"), required=False, max_length=5000, widget=forms.Textarea({"rows": 3})
    )
    working_days = forms.IntegerField(
        label=_("Extra working days"), required=False, min_value=1, max_value=60
    )
    lead_unit = forms.ModelChoiceField(
        label=_("Lead unit"), required=False, queryset=Unit.objects.none()
    )
    co_units = forms.ModelMultipleChoiceField(
        label=_("Co-units"), required=False, queryset=Unit.objects.none()
    )
    unclear = forms.BooleanField(label=_("Responsibility unclear"), required=False)
    decision = forms.ChoiceField(
        label=_("Decision"), required=False, choices=BLANK + list(ReviewDecision.choices)
    )
    valid = forms.BooleanField(label=_("Valid callback"), required=False)
    contacted = forms.BooleanField(label=_("The unit contacted the enterprise"), required=False)
    resolved = forms.BooleanField(label=_("Resolved"), required=False)
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction"), required=False, choices=BLANK + list(Satisfaction.choices)
    )
    unit_at_fault = forms.BooleanField(label=_("The unit was at fault"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = _units()
        self.fields["lead_unit"].empty_label = _("Route by the register")
        self.fields["co_units"].queryset = _units()

    def data_for_service(self) -> dict:
        action = self.cleaned_data["action"]
        data = {}
        for name in ACTION_FIELDS.get(action, ()):
            value = self.cleaned_data.get(name)
            if name == "co_units":
                value = [unit.pk for unit in value or []]
            if value in (None, "") and name not in ("reason", "note", "content"):
                continue
            data[name] = value
        return data


class MarkInvalidForm(forms.Form):
    reason = forms.CharField(label=_("Why invalid"), max_length=300)


class MarkDuplicateForm(forms.Form):
    original = forms.CharField(
        label=_("Original demand (reference)"),
        max_length=20,
        widget=forms.TextInput({"placeholder": "SQ20250101-00001"}),
    )


# ---- attachments and the online submission -----------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input, each checked for type, declared type, size and content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [item for item in (data or []) if item] if isinstance(data, list) else []
        if data and not isinstance(data, list):
            uploads = [data]
        if len(uploads) > ATTACHMENT_MAX_COUNT:
            raise ValidationError(
                _("Attach at most %(count)d files.") % {"count": ATTACHMENT_MAX_COUNT},
                code="too_many_files",
            )
        for upload in uploads:
            check_attachment(upload)
        return uploads


def check_attachment(upload) -> None:
    extension = Path(upload.name or "").suffix.lower().lstrip(".")
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError(
            _("%(name)s: only %(types)s files are accepted.")
            % {"name": upload.name, "types": ", ".join(sorted(ATTACHMENT_TYPES))},
            code="file_type",
        )
    content_types, signatures = ATTACHMENT_TYPES[extension]
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if declared and declared not in content_types + TOLERATED_CONTENT_TYPES:
        raise ValidationError(
            _("%(name)s: the file's type does not match its name.") % {"name": upload.name},
            code="file_content_type",
        )
    if upload.size > ATTACHMENT_MAX_MB * 1024 * 1024:
        raise ValidationError(
            _("%(name)s is larger than %(size)d MB.")
            % {"name": upload.name, "size": ATTACHMENT_MAX_MB},
            code="file_size",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(signatures):
        raise ValidationError(
            _("%(name)s: the content is not a %(type)s file.")
            % {"name": upload.name, "type": extension},
            code="file_content",
        )


class DemandSubmitForm(forms.Form):
    """An enterprise user's own demand (提交诉求), for one of its confirmed enterprises."""

    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=None)
    category = forms.ModelChoiceField(label=_("Category"), queryset=DemandCategory.objects.none())
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.ORDINARY
    )
    title = forms.CharField(label=_("Demand title"), max_length=200)
    description = forms.CharField(
        label=_("Demand description"), max_length=5000, widget=forms.Textarea({"rows": 6})
    )
    is_public = forms.BooleanField(label=_("The description may be shown publicly"), required=False)
    attachments = AttachmentsField(label=_("Attachments"))

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["enterprise"].empty_label = None
        self.fields["category"].queryset = _categories()
        self.fields["attachments"].help_text = _(
            "PDF, JPG, PNG, DOCX or XLSX; at most %(count)d files of %(size)d MB each."
        ) % {"count": ATTACHMENT_MAX_COUNT, "size": ATTACHMENT_MAX_MB}


class AttachmentForm(forms.Form):
    attachments = AttachmentsField(label=_("Attachments"), required=True)


# ---- the hotline console -------------------------------------------------------------------


class HotlineForm(forms.Form):
    """One call: who rings, for which enterprise, and what about. Enter records it."""

    caller_phone = forms.CharField(label=_("Caller phone"), max_length=20)
    caller_name = forms.CharField(label=_("Caller"), max_length=50, required=False)
    enterprise = forms.CharField(label=_("Enterprise"), max_length=18, required=False)
    zone = forms.ModelChoiceField(
        label=_("Zone"), required=False, queryset=Zone.objects.none(), to_field_name="code"
    )
    category = forms.CharField(label=_("Category"), max_length=40)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.ORDINARY
    )
    title = forms.CharField(label=_("Demand title"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Demand description"), max_length=5000, widget=forms.Textarea({"rows": 4})
    )
    is_legacy = forms.BooleanField(label=_("Legacy problem"), required=False)
    is_public = forms.BooleanField(label=_("The description may be shown publicly"), required=False)
    duplicate_of = forms.IntegerField(required=False, widget=forms.HiddenInput)
    answer = forms.CharField(
        label=_("Direct answer"),
        max_length=5000,
        required=False,
        widget=forms.Textarea({"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.order_by("name")
        self.fields["zone"].empty_label = _("The enterprise's zone")

    def clean(self):
        data = super().clean()
        description = data.get("description") or ""
        if not data.get("title") and description:
            # The operator types the problem once; its first line names the demand.
            data["title"] = description.strip().splitlines()[0][:60]
        return data
