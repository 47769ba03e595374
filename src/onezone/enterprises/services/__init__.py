"""Writes of the enterprise app, one module per area; import from here."""

from onezone.enterprises.services.assignments import (  # noqa: F401
    assignment_auto_assign,
    assignment_set,
    assignments_reassign_for_post_end,
    designation_create,
    designation_end,
)
from onezone.enterprises.services.files import (  # noqa: F401
    enterprise_create,
    enterprise_row_clean,
    enterprise_stages_refresh,
    enterprise_update,
    enterprises_bulk_create,
)
from onezone.enterprises.services.signup import (  # noqa: F401
    enterprise_get_or_create,
    enterprise_signup,
    founder_signup,
    membership_confirm,
    membership_reject,
)
from onezone.enterprises.services.visits import (  # noqa: F401
    visit_issue_link_demand,
    visit_record,
)
