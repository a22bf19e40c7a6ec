"""The words of a reminder or an escalation (issue 15 item 3), written for one reader
in their language: what it is, which case (reference and subject), how long is left or
how late it is, what to do, and the link to the case. The same text is the email
(notify/dispatch.py) and the in-app notice (web/inbox); the outbox and the inbox keep
only the figures (`payload`), so the words are written when read.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from redress.policy.loader import active_pack

KINDS = frozenset({"reminder", "escalation", "remedy_reminder", "remedy_escalation"})


@dataclass(frozen=True)
class Text:
    subject: str
    lines: list[str]
    link: str

    @property
    def body(self) -> str:
        return "\n\n".join([*self.lines, self.link])


def case_link(reference: str) -> str:
    return f"{settings.REDRESS_SITE_URL.rstrip('/')}/complaints/{reference}/"


def _amount(amount: int, unit: str) -> str:
    from redress.web.labels import amount_in_unit

    return amount_in_unit(amount, unit)


def write(kind: str, payload: dict, language: str) -> Text:
    """The message for `payload` (written by services/alerts.py) in `language`."""
    if kind in ("remedy_reminder", "remedy_escalation"):
        return _remedy(kind, payload, language)
    with translation.override(language or settings.LANGUAGE_CODE):
        pack = active_pack()
        clock = pack.clock(payload.get("clock", ""))
        clock_name = clock.name.get(language) if clock else payload.get("clock", "")
        reference, subject = payload.get("reference", ""), payload.get("subject", "")
        due = parse_datetime(payload.get("due", "") or "")
        tz = pack.calendar.timezone
        due_text = due.astimezone(_zone(tz)).strftime("%Y-%m-%d %H:%M") if due else "—"
        left, unit = int(payload.get("left", 0)), payload.get("left_unit", "minutes")
        what = {"clock": clock_name, "reference": reference, "due": due_text, "amount": _amount(left, unit)}
        if kind == "reminder":
            title = _("Reminder: %(clock)s of %(reference)s is due %(due)s") % what
            status = _("Time left: %(amount)s (due %(due)s).") % what
            todo = _("What to do: finish this step before it is due, or ask for an extension in time if the "
                     "rules allow one.")
        else:
            title = _("Escalation: %(clock)s of %(reference)s is late") % what
            status = (_("Late by %(amount)s (it was due %(due)s).") if left < 0 else
                      _("Due %(due)s.")) % what
            todo = _("What to do: open the case, see that it moves, and answer this escalation on the case page "
                     "with what will happen and by when.")
        case = _("Case %(reference)s: %(subject)s") % {"reference": reference, "subject": subject}
        return Text(subject=f"[Redress] {title}", lines=[title, case, status, todo], link=case_link(reference))


def _remedy(message_kind: str, payload: dict, language: str) -> Text:
    """A remedy's reminder before its due date, or a step of its ladder once late
    (services/remedy_reminders.py): which remedy, of which case, due which day."""
    from redress.web.complaint.words import REMEDY_KINDS

    with translation.override(language or settings.LANGUAGE_CODE):
        reference, kind = payload.get("reference", ""), payload.get("remedy_kind", "")
        what = {"remedy": str(REMEDY_KINDS.get(kind, kind)), "reference": reference,
                "due": payload.get("due_date", "") or "—"}
        promised = _("Promised: %(description)s") % {"description": payload.get("description", "")}
        if message_kind == "remedy_reminder":
            title = _("Reminder: the %(remedy)s remedy of %(reference)s is due %(due)s") % what
            todo = _("What to do: carry it out and record it on the case page by %(due)s, or record why it will "
                     "not be carried out.") % what
        else:
            title = _("Escalation: the %(remedy)s remedy of %(reference)s is late (it was due %(due)s)") % what
            todo = _("What to do: see that it is carried out now and recorded on the case page, or that the "
                     "complaints office records why it will not be.")
        case = _("Case %(reference)s: %(subject)s") % {"reference": reference, "subject": payload.get("subject", "")}
        return Text(subject=f"[Redress] {title}", lines=[title, case, promised, todo], link=case_link(reference))


def _zone(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)
