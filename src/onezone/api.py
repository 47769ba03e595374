"""The whole HTTP API: the core shell plus each app's router."""

from onezone.core.api import build_api
from onezone.enterprises.api import router as enterprises_router
from onezone.org.api import router as org_router

api = build_api()
api.add_router("/", org_router)
api.add_router("/", enterprises_router)
