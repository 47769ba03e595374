"""Writes of the approvals app, one module per area; import from here."""

from onezone.approvals.services.applications import (  # noqa: F401
    application_create,
    application_submit,
    application_update_draft,
    application_withdraw,
    journey_form,
)
from onezone.approvals.services.cases import (  # noqa: F401
    item_case_act,
    item_case_comment,
    item_cases_mark_overdue,
)
from onezone.approvals.services.materials import (  # noqa: F401
    material_reuse,
    material_upload,
)
from onezone.approvals.services.ratings import rating_submit  # noqa: F401
