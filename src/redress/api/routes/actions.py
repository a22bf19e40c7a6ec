"""POST /api/complaints/{reference}/actions/{action}: one operation per action, each
with its own typed body, so the OpenAPI document says exactly what each one takes.

No `from __future__ import annotations` here: ninja reads each generated operation's
body type from its real annotation object.
"""

from django.http import HttpRequest
from ninja import Field, Router

from redress.api.actions import ACTIONS, REVEAL, Spec
from redress.api.auth import TokenAuth
from redress.api.models import Scope
from redress.api.presenting import complaint_out, detail_queryset
from redress.api.routes.common import error_responses, visible
from redress.api.schemas.base import Out
from redress.api.schemas.complaints import ComplaintOut
from redress.complaints.errors import NotFound
from redress.complaints.lifecycle import Action
from redress.complaints.selectors.scope import visible_complaints

router = Router(tags=["actions"])
ACT = TokenAuth(Scope.COMPLAINTS_ACT)
# Unmasking is a read of its own (DESIGN rule 6): `complaints:act` does not carry it.
REVEAL_AUTH = TokenAuth(Scope.PERSONAL_DATA_READ)


class ActionResult(Out):
    action: str
    result: dict = Field(description="what the action made (ids, a status); `view_personal_data`: the fields "
                                     "revealed, unmasked")
    state: str | None = Field(description="the complaint's state after the action (null: now out of sight)")
    version: int | None = Field(description="its version after the action, for the next expected_version")
    complaint: ComplaintOut | None = Field(
        description="the complaint as it now is, only for a token that also holds `complaints:read` "
                    "(customer unmasked only in the answer to `view_personal_data`); null otherwise, or "
                    "when the action leaves it out of this token's sight")


def _operation(name: str, spec: Spec):
    body_type = spec.body
    # The lifecycle action, for 001 第十四条's exemptions (a customer's relayed message is a send_message).
    action = Action(name) if name in {a.value for a in Action} else Action.SEND_MESSAGE

    def run_action(request: HttpRequest, reference: str, payload: body_type):
        token = request.auth
        complaint = visible(token, reference, action)
        result = spec.run(complaint, payload, token) or {}
        after = detail_queryset(visible_complaints(token.staff)).filter(pk=complaint.pk).first()
        # An answer carries only what the token may read (issue 14 item 6): the body of
        # the complaint needs complaints:read, as a GET of it would.
        shown = after is not None and token.has_scope(Scope.COMPLAINTS_READ)
        return {"action": name, "result": result,
                "state": after.state if after else None, "version": after.version if after else None,
                "complaint": complaint_out(after, revealed=name == REVEAL) if shown else None}

    run_action.__name__ = f"action_{name}"
    run_action.__doc__ = spec.summary
    return run_action


for _name, _spec in ACTIONS.items():
    router.post(f"/complaints/{{reference}}/actions/{_name}", auth=REVEAL_AUTH if _name == REVEAL else ACT,
                summary=_spec.summary,
                description=(f"Scope: `{Scope.PERSONAL_DATA_READ.value}`." if _name == REVEAL else
                             f"Scope: `{Scope.COMPLAINTS_ACT.value}`; the answer's `complaint` also needs "
                             f"`{Scope.COMPLAINTS_READ.value}`."),
                operation_id=f"action_{_name}",
                response={200: ActionResult, **error_responses(400, 401, 403, 404, 409, 413, 415, 422)},
                )(_operation(_name, _spec))


@router.post("/complaints/{reference}/actions/{action}", auth=ACT, include_in_schema=False)
def unknown_action(request: HttpRequest, reference: str, action: str):
    visible(request.auth, reference)
    raise NotFound(f"no action {action[:40]!r}; actions: {', '.join(ACTIONS)}")
