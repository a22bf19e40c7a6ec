"""A staff decision on one object, run for the person asking, with the service's errors
said the way every page says them: a role refused is 403, an object that is not there
(or not theirs to see) is 404, any other refusal a message on the page they came from.
Shared by the quarantine's release and discard and the early warnings' acknowledgment."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from redress.complaints.errors import DomainError, NotFound, NotPermitted


def run_decision(request: HttpRequest, decision, pk: int, **kwargs) -> tuple[bool, object]:
    """(True, what the service returned), or (False, None) when it refused for a reason
    the person can act on (already shown as a message)."""
    try:
        return True, decision(pk, actor=request.user, **kwargs)
    except NotPermitted as err:
        raise PermissionDenied(err.message) from None
    except NotFound:
        raise Http404 from None
    except DomainError as err:
        messages.error(request, err.message)
        return False, None
