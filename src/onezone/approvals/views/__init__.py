"""Pages of the approvals app, one module per area."""
