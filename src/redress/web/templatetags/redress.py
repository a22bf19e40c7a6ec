"""Template helpers shared by every workbench page: labels for codes, bilingual policy
names, and the "time left / overdue by" of a clock on the institution's calendar."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from redress.complaints.services.timing import calendar_for
from redress.complaints.timesource import now as current_time
from redress.policy.loader import active_pack
from redress.web import labels
from redress.web.calendar import request_calendar

register = template.Library()


@register.filter
def bilingual(text) -> str:
    """A policy `Text` (zh-hans/en) in the active language."""
    return text.get(get_language()) if text is not None else ""


@register.filter
def state_label(state: str) -> str:
    return str(labels.STATES.get(state, state))


@register.filter
def role_label(role: str) -> str:
    return str(labels.ROLES.get(role, role))


@register.filter
def severity_label(severity: str) -> str:
    return str(labels.SEVERITIES.get(severity, severity or ""))


@register.filter
def category_label(code: str) -> str:
    category = active_pack().category(code) if code else None
    return category.name.get(get_language()) if category else (code or "")


@register.filter
def channel_label(code: str) -> str:
    channel = next((c for c in active_pack().channels if c.code == code), None)
    return channel.name.get(get_language()) if channel else (code or "")


def clock_left(clock, now=None, calendar=None) -> tuple[int, str, str]:
    """(amount, unit, css class) for a clock: positive left, negative overdue."""
    pack = active_pack()
    definition = pack.clock(clock.code)
    unit = definition.limit.unit if definition else "working_days"
    calendar = calendar or calendar_for(pack)
    amount, shown_unit = calendar.time_left(now or current_time(), clock.due_at, unit)
    if amount < 0 or clock.breached:
        css = "late"
    elif shown_unit not in ("working_days", "calendar_days") or amount <= 2:
        css = "soon"
    else:
        css = "ok"
    return amount, shown_unit, css


@register.simple_tag(takes_context=True)
def time_left(context, clock) -> str:
    """<span class="late">overdue by 2 working days</span>, <span class="ok">5 working days left</span>."""
    if clock is None:
        return ""
    if clock.status == "stopped":
        return format_html('<span class="muted">{}</span>', _("stopped"))
    if clock.status == "void":  # its policy condition stopped holding (issue 15 item 4)
        return format_html('<span class="muted">{}</span>', _("not applicable"))
    if clock.status == "paused":
        return format_html('<span class="muted">{}</span>', _("paused"))
    calendar = request_calendar(context.get("request"))
    amount, unit, css = clock_left(clock, calendar=calendar)
    if unit == "minutes":
        # No working time lies between now and the due time (it fell in a night, a weekend
        # or a holiday): a count of elapsed minutes ("overdue by 1331 minutes") says
        # nothing on a working-time clock, the due time does.
        due = clock.due_at.astimezone(calendar.tz)
        text = (_("overdue since %(due)s") if amount < 0 else _("due %(due)s")) % {"due": f"{due:%Y-%m-%d %H:%M}"}
        return format_html('<span class="{}" title="{}">{}</span>', css, clock.due_at.isoformat(), text)
    words = hours_and_minutes(amount) if unit == "working_minutes" else labels.amount_in_unit(amount, unit)
    text = _("overdue by %(t)s") % {"t": words} if amount < 0 else _("%(t)s left") % {"t": words}
    return format_html('<span class="{}" title="{}">{}</span>', css, clock.due_at.isoformat(), text)


def hours_and_minutes(minutes: int) -> str:
    """Working minutes as working hours and minutes: '3 working hours 20 working minutes'."""
    hours, rest = divmod(abs(minutes), 60)
    if not hours:
        return labels.amount_in_unit(rest, "working_minutes")
    words = labels.amount_in_unit(hours, "working_hours")
    return f"{words} {labels.amount_in_unit(rest, 'working_minutes')}" if rest else words
