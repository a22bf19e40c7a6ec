"""First drafts of what the staff write to the customer, so nobody retypes what the case
already holds: the result starts from the approved proposal (002 §二(四): the facts,
the basis and the remedy), the extension notice from the granted extension (001
第二十二条: the reason and the new date). Drafts only: the person edits them, and the
service checks the forbidden phrases when the text is sent. Written in the complaint's
language, since the customer reads them."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from redress.complaints.models import Complaint, Extension, Proposal
from redress.web.complaint.actions import labels


def result(c: Complaint) -> str:
    proposal = c.proposals.filter(status=Proposal.Status.APPROVED).order_by("-id").first()
    if proposal is None:
        return ""
    with translation.override(c.language or translation.get_language()):
        parts = [_("Dear customer, about your complaint %(reference)s:") % {"reference": c.reference},
                 _("What we found: %(facts)s") % {"facts": proposal.facts.strip()},
                 _("Our conclusion: %(summary)s") % {"summary": proposal.summary.strip()}]
        if proposal.legal_basis.strip():
            parts.append(_("The basis: %(basis)s") % {"basis": proposal.legal_basis.strip()})
        for r in proposal.remedies.order_by("due_date", "id"):
            amount = _(" (CNY %(amount)s)") % {"amount": r.amount} if r.amount is not None else ""
            parts.append(_("%(kind)s: %(what)s%(amount)s, by %(due)s.") % {
                "kind": labels.REMEDY_KINDS.get(r.kind, r.kind), "what": r.description.strip(),
                "amount": amount, "due": f"{r.due_date:%Y-%m-%d}"})
        parts.append(_("Please tell us whether you accept this result."))
        return "\n\n".join(str(p) for p in parts)


def extension_notice(c: Complaint, extension: Extension, tz) -> str:
    with translation.override(c.language or translation.get_language()):
        due = extension.due_after.astimezone(tz) if extension.due_after else None
        return "\n\n".join([
            _("Dear customer, about your complaint %(reference)s:") % {"reference": c.reference},
            _("We cannot finish handling it within the time limit, because: %(reason)s") % {
                "reason": extension.reason.strip()},
            _("What we will do next: %(plan)s") % {"plan": extension.plan.strip()},
            _("We will give you our answer by %(due)s.") % {"due": f"{due:%Y-%m-%d}" if due else "—"},
        ])
