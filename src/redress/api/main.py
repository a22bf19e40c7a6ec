"""The NinjaAPI instance: /api/openapi.json and /api/docs (Swagger UI from ninja's own
static files, never a CDN: bank intranets have no internet)."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from redress.api import errors, register
from redress.api.auth import scopes_doc
from redress.api.parser import JsonOnly
from redress.api.routes import actions, batch, complaints, evidence, returns, statistics
from redress.policy.loader import active_pack

DESCRIPTION = """REST API for integrations: call-centre systems, websites, apps, regulator referral imports.

Authenticate with `Authorization: Bearer <token>`. A token acts as one member of staff:
it sees what that person sees and may do what their roles allow; each operation also
needs the token's scope. Errors are JSON with `code`, `message` and, where one field is
to blame, `field` and `rule`."""

class RedressAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """The document, with what the active policy allows where only it knows (issue 14
        item 5): the evidence types a file may have, as the multipart part's content type."""
        document = super().get_openapi_schema(**kwargs)
        types = active_pack().attachment_types
        for path, operations in document.get("paths", {}).items():
            upload = operations.get("post") if path.endswith("/evidence") else None
            if not upload:
                continue
            form = upload["requestBody"]["content"]["multipart/form-data"]
            form["encoding"] = {"file": {"contentType": ", ".join(types)}}
            form["schema"]["properties"]["file"]["description"] = (
                "the file; its part's Content-Type one of: " + ", ".join(types)
                + ". Its name's extension must fit the type and its bytes must be that type.")
        return document


api = RedressAPI(title="Redress API", version="1", description=f"{DESCRIPTION}\n\n{scopes_doc()}", urls_namespace="api",
               docs=Swagger(settings={"persistAuthorization": False}), parser=JsonOnly())
api.add_router("", batch.router)  # before /complaints/{reference}, which would take "batch" for a reference
api.add_router("", complaints.router)
api.add_router("", actions.router)
api.add_router("", evidence.router)
api.add_router("/reports", register.router)
api.add_router("", returns.router)
api.add_router("", statistics.router)
errors.install(api, param_names={"payload", "filters"})
