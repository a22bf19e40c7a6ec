"""The NinjaAPI instance: /api/openapi.json and /api/docs (Swagger UI from ninja's own
static files, never a CDN: bank intranets have no internet)."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from redress.api import errors, register
from redress.api.auth import scopes_doc
from redress.api.parser import JsonOnly
from redress.api.routes import actions, batch, complaints, evidence, returns, statistics

DESCRIPTION = """REST API for integrations: call-centre systems, websites, apps, regulator referral imports.

Authenticate with `Authorization: Bearer <token>`. A token acts as one member of staff:
it sees what that person sees and may do what their roles allow; each operation also
needs the token's scope. Errors are JSON with `code`, `message` and, where one field is
to blame, `field` and `rule`."""

api = NinjaAPI(title="Redress API", version="1", description=f"{DESCRIPTION}\n\n{scopes_doc()}", urls_namespace="api",
               docs=Swagger(settings={"persistAuthorization": False}), parser=JsonOnly())
api.add_router("", batch.router)  # before /complaints/{reference}, which would take "batch" for a reference
api.add_router("", complaints.router)
api.add_router("", actions.router)
api.add_router("", evidence.router)
api.add_router("/reports", register.router)
api.add_router("", returns.router)
api.add_router("", statistics.router)
errors.install(api, param_names={"payload", "filters"})
