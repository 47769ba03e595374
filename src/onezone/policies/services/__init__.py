"""Writes of the policies app, one module per area: policies, matching, applications,
subscriptions, packages."""
