"""The whole HTTP API: the core shell plus each app's router."""

from onezone.approvals.api import router as approvals_router
from onezone.core.api import build_api
from onezone.core.calendar_api import router as calendar_router
from onezone.demands.api import router as demands_router
from onezone.enterprises.api import router as enterprises_router
from onezone.org.api import router as org_router
from onezone.policies.api import router as policies_router
from onezone.register.api import router as register_router

api = build_api()
api.add_router("/", org_router)
api.add_router("/", calendar_router)
api.add_router("/", register_router)
api.add_router("/", enterprises_router)
api.add_router("/", approvals_router)
api.add_router("/", demands_router)
api.add_router("/", policies_router)
