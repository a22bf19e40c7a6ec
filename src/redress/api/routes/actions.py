"""POST /api/complaints/{reference}/actions/{action}: one operation per action, each
with its own typed body, so the OpenAPI document says exactly what each one takes.

No `from __future__ import annotations` here: ninja reads each generated operation's
body type from its real annotation object.
"""

from django.http import HttpRequest
from ninja import Router

from redress.api.actions import ACTIONS, Spec
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


class ActionResult(Out):
    action: str
    complaint: ComplaintOut | None  # None when the action leaves the complaint out of this token's sight
    result: dict


def _operation(name: str, spec: Spec):
    body_type = spec.body
    # The lifecycle action, for 001 第十四条's exemptions (a customer's relayed message is a send_message).
    action = Action(name) if name in {a.value for a in Action} else Action.SEND_MESSAGE

    def run_action(request: HttpRequest, reference: str, payload: body_type):
        token = request.auth
        complaint = visible(token, reference, action)
        result = spec.run(complaint, payload, token) or {}
        after = detail_queryset(visible_complaints(token.staff)).filter(pk=complaint.pk).first()
        revealed = name == "view_personal_data"
        return {"action": name, "result": result,
                "complaint": complaint_out(after, revealed=revealed) if after else None}

    run_action.__name__ = f"action_{name}"
    run_action.__doc__ = spec.summary
    return run_action


for _name, _spec in ACTIONS.items():
    router.post(f"/complaints/{{reference}}/actions/{_name}", auth=ACT, summary=_spec.summary,
                operation_id=f"action_{_name}",
                response={200: ActionResult, **error_responses(400, 401, 403, 404, 409, 413, 415, 422)},
                )(_operation(_name, _spec))


@router.post("/complaints/{reference}/actions/{action}", auth=ACT, include_in_schema=False)
def unknown_action(request: HttpRequest, reference: str, action: str):
    visible(request.auth, reference)
    raise NotFound(f"no action {action[:40]!r}; actions: {', '.join(ACTIONS)}")
