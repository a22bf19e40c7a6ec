"""The active policy pack in words: every code turned into a name in the reader's
language (units from the organisation, roles and severities from web.labels,
durations and lifecycle moments here), so the template only lays it out."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from redress.complaints.models import OrgUnit
from redress.policy.schema import Duration, Pack
from redress.web import labels

STAGES = {
    "received": gettext_lazy("the complaint is received"),
    "registered": gettext_lazy("the complaint is accepted and registered"),
    "dispatched": gettext_lazy("the work order is sent to the department"),
    "assigned": gettext_lazy("the department accepts the work order"),
    "contacted": gettext_lazy("the department first contacts the customer"),
    "proposed": gettext_lazy("a resolution is proposed (the investigation is done)"),
    "communicated": gettext_lazy("the result is told to the customer"),
    "called_back": gettext_lazy("the callback is made (satisfied or not)"),
    "closed": gettext_lazy("the complaint is closed"),
}


def duration(d: Duration | None) -> str:
    if d is None:
        return _("no limit")
    n = d.amount
    if d.unit == "same_working_day":
        return _("the same working day")
    if d.unit == "calendar_days" and d.ends_on_working_day:
        return ngettext("%(n)d calendar day (ending on a working day)", "%(n)d calendar days (ending on a working day)", n) % {"n": n}
    if d.unit == "calendar_days":
        return ngettext("%(n)d calendar day", "%(n)d calendar days", n) % {"n": n}
    if d.unit == "months":
        return ngettext("%(n)d month", "%(n)d months", n) % {"n": n}
    return labels.amount_in_unit(n, d.unit)


CONDITION_FIELDS = {
    "urgency": gettext_lazy("urgency"), "severity": gettext_lazy("severity"), "channel": gettext_lazy("channel"),
    "category": gettext_lazy("category"), "trigger": gettext_lazy("critical trigger"),
    "referral_source": gettext_lazy("referred by"),
}
URGENCIES = {"urgent": gettext_lazy("urgent"), "normal": gettext_lazy("ordinary")}


def condition(pack: Pack, names, when) -> list[str]:
    """A clock's condition (issue 15 item 4) as "field: value or value", one a field."""
    if when is None:
        return []
    channels = {c.code: c.name for c in pack.channels}
    triggers = {t.code: t.name for t in pack.triggers}

    def name(field: str, code: str) -> str:
        if field == "urgency":
            return str(URGENCIES.get(code, code))
        if field == "severity":
            return severity(code)
        if field == "channel" and code in channels:
            return names.text(channels[code])
        if field == "category" and pack.category(code):
            return names.text(pack.category(code).name)
        if field == "trigger" and code in triggers:
            return names.text(triggers[code])
        return code

    sep = _(" or ")
    return [f"{CONDITION_FIELDS[field]}: {sep.join(name(field, str(v)) for v in values)}"
            for field, values in when.fields().items()]


def roles(codes) -> list[str]:
    return [str(labels.ROLES.get(str(c), c)) for c in codes]


def severity(code) -> str:
    return str(labels.SEVERITIES.get(str(code), code)) if code else ""


LANGUAGE_NAMES = {"zh-hans": "中文", "en": "English"}


def by_language(words: dict[str, list[str]]) -> list[tuple[str, list[str], str]]:
    """(language named in itself, words, separator), the reader's language first."""
    first = "en" if get_language().startswith("en") else "zh-hans"
    ordered = sorted(words.items(), key=lambda kv: (kv[0] != first, kv[0]))
    return [(LANGUAGE_NAMES.get(lang, lang), items, "、" if lang.startswith("zh") else ", ")
            for lang, items in ordered if items]


def amount(value: Decimal | None) -> str:
    # Grouped with commas in both languages, as amounts are written in Chinese finance too.
    return _("any amount") if value is None else _("up to %(amount)s") % {"amount": f"{value:,.0f}"}


class Names:
    """Bilingual names of the pack's codes in the active language."""

    def __init__(self, pack: Pack):
        self.pack = pack
        self.english = get_language().startswith("en")
        self.units = {u.code: (u.name_en if self.english and u.name_en else u.name)
                      for u in OrgUnit.objects.only("code", "name", "name_en")}

    def text(self, text) -> str:
        return text.get(get_language()) if text is not None else ""

    def unit(self, code: str | None) -> str:
        if code is None:
            return _("the branch the complaint concerns, or the intake unit")
        return self.units.get(code, code)

    def authorities(self, codes) -> list[str]:
        found = (self.pack.authority(c) for c in codes)
        return [self.text(a.name) if a else c for a, c in zip(found, codes, strict=True)]

    def clock(self, code: str) -> str:
        clock = self.pack.clock(code)
        return self.text(clock.name) if clock else code


def _categories(names: Names, categories, depth: int = 0):
    for cat in categories:
        yield {
            "code": cat.code, "depth": depth, "name": names.text(cat.name),
            "other_name": cat.name.en if not names.english else cat.name.zh_hans,
            "description": names.text(cat.description),
            "unit": names.unit(cat.default_unit),
            "steps": [{"name": names.text(s.name), "roles": roles(s.notify_roles),
                       "authorities": names.authorities(s.notify_authorities)} for s in cat.special_steps],
        }
        yield from _categories(names, cat.children, depth + 1)


def _products(names: Names, products, depth: int = 0):
    for product in products:
        yield {"code": product.code, "depth": depth, "name": names.text(product.name),
               "other_name": product.name.en if not names.english else product.name.zh_hans}
        yield from _products(names, product.children, depth + 1)


def _early_warning(pack: Pack) -> dict:
    ew = pack.early_warning
    return {"windows": " / ".join(str(d) for d in ew.windows_days), "weeks": ew.baseline_weeks,
            "chance": f"{ew.p_value * 100:g}%", "min_count": ew.min_count,
            "overall": ew.allow_for_overall_rise, "mass_days": ew.mass_within_days,
            "mass_customers": ew.mass_min_customers, "similarity": round(ew.mass_similarity * 100),
            "repeat_days": ew.repeat_within_days, "repeat_count": ew.repeat_min_complaints, "roles": roles(ew.roles)}


def present(pack: Pack) -> dict:
    names = Names(pack)
    ext = pack.extension
    return {
        "name": names.text(pack.name),
        "code": pack.code,
        "retention_years": pack.retention_years,
        "reference_prefix": pack.reference_prefix,
        "calendar": pack.calendar,
        "channels": [names.text(c.name) for c in pack.channels],
        "categories": list(_categories(names, pack.categories)),
        "products": list(_products(names, pack.products)),
        "summary_resolution": pack.summary_resolution and {
            "name": names.text(pack.summary_resolution.name), "within": duration(pack.summary_resolution.within)},
        "referral_notice": names.text(pack.referral_notice),
        "result_outcomes": pack.result_outcomes and [
            (_("money paid (compensation or a payment remedy)"), pack.result_outcomes.monetary),
            (_("another remedy (rectification, apology or other)"), pack.result_outcomes.non_monetary),
            (_("no remedy: the result explains"), pack.result_outcomes.explanation)],
        "clocks": [{"name": names.text(c.name), "starts": str(STAGES.get(c.starts_on, c.starts_on)),
                    "stops": str(STAGES.get(c.stops_on, c.stops_on)), "limit": duration(c.limit),
                    "inquiries": c.applies_to_inquiries, "extendable": c.extendable,
                    # registered, but counted from the receipt (自受理投诉之日起)
                    "from_receipt": c.starts_on != "received" and c.counts_from_receipt(),
                    "only_when": condition(pack, names, c.when)} for c in pack.clocks],
        "extension": ext and {
            "clock": names.clock(ext.clock), "min_notice": duration(ext.min_notice),
            "max_extension": duration(ext.max_extension), "approvers": roles(ext.approver_roles),
            "further_requires_consent": ext.further_requires_consent,
            "max_further": duration(ext.max_further) if ext.max_further else None, "report_further_to": roles(ext.report_further_to),
            "further_approvers": roles(ext.further_approver_roles),
            "max_total": duration(ext.max_total) if ext.max_total else None,
        },
        "pausing": pack.pausing and {
            "reasons": [{"name": names.text(r.name), "code": r.code, "needs_request": r.needs_request,
                         "ends_on_answer": r.ends_on_answer} for r in pack.pausing.reasons],
            "roles": roles(pack.pausing.roles), "approval_after": duration(pack.pausing.approval_after),
            "approvers": roles(pack.pausing.approver_roles), "max_total": duration(pack.pausing.max_total),
        },
        "deemed_closure": pack.deemed_closure and {
            "follow_up": duration(pack.deemed_closure.follow_up),
            "no_repeat": pack.deemed_closure.requires_no_repeat_complaint,
            "no_fault": pack.deemed_closure.requires_no_staff_fault,
        },
        "recomplaint_higher": pack.recomplaint.route == "higher_unit",
        "authority": [{"amount": amount(r.max_amount),
                       "severity": severity(r.max_severity) if r.max_severity else _("any severity"),
                       "approvers": roles(r.approver_roles)} for r in pack.authority_matrix],
        "economic_deciders": roles(pack.economic_dispute.decider_roles),
        "economic_triggers": [names.text(t.name) for t in pack.triggers if t.code in pack.economic_dispute.triggers],
        "triggers": [{"name": names.text(t.name), "keywords": by_language(t.keywords), "roles": roles(t.notify_roles),
                      "authorities": names.authorities(t.notify_authorities),
                      "severity": severity(t.min_severity)} for t in pack.triggers],
        "forbidden_phrases": by_language(pack.forbidden_phrases),
        "phrase_variants": [[word, *others] for word, others in pack.forbidden_phrase_variants.items()],
        "callback": {"required": pack.callback.required, "within": duration(pack.callback.within),
                     "excluded": roles(pack.callback.excluded_roles)},
        "early_warning": _early_warning(pack),
        "authorities": [{"name": names.text(a.name), "contact": a.contact} for a in pack.authorities],
        "reports": {
            "owed": [{"name": names.text(a.name),
                      "report_within": duration(a.report_within) if a.report_within else "",
                      "reply_within": duration(a.reply_within) if a.reply_within else ""}
                     for a in pack.authorities if a.report_within or a.reply_within],
            "recorders": roles(pack.authority_reports.recorder_roles),
            "escalate_after": duration(pack.authority_reports.escalate_after),
            "escalate_to": roles(pack.authority_reports.escalate_to),
        },
    }
