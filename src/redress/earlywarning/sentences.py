"""Why a warning was raised, in one sentence in the reader's language, written from
the figures the warning stores (never stored as text: a Chinese reader and an English
one read the same warning). No personal data: a repeat complainant is named masked.
Lists load a page's units, customers and employees with the warnings
(selectors.warnings), so a sentence costs no query of its own there."""

from __future__ import annotations

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from redress.complaints.models import Customer
from redress.complaints.selectors.personal import mask_digits, mask_name
from redress.earlywarning.models import EarlyWarning
from redress.policy.loader import active_pack


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value else "0"


def _category(code: str) -> str:
    found = next((c for c in active_pack().iter_categories() if c.code == code), None)
    return found.name.get(get_language()) if found else code


def series(warning: EarlyWarning) -> str:
    """What a spike is about: a unit and a category, or a product."""
    if warning.product:
        return _("product %(product)s") % {"product": warning.product}
    if warning.unit_id is None:
        return _("All complaints")
    return _("%(unit)s, %(category)s") % {"unit": warning.unit.local_name,
                                          "category": _category(warning.category)}


def _matter(warning: EarlyWarning) -> str:
    if warning.matter == EarlyWarning.Matter.PRODUCT:
        return _("the product %(product)s") % {"product": warning.product}
    if warning.matter == EarlyWarning.Matter.PARTY and warning.party_staff_id:
        return _("the employee %(name)s") % {"name": str(warning.party_staff)}
    if warning.matter == EarlyWarning.Matter.PARTY:
        return _("the unit %(unit)s") % {"unit": warning.unit.local_name}
    return _("the same matter in very similar words (“%(excerpt)s”)") % {"excerpt": warning.excerpt}


def customer_label(customer: Customer | None) -> str:
    if customer is None:
        return "?"
    if customer.account_number:
        return _("%(name)s (account %(account)s)") % {"name": mask_name(customer.name),
                                                      "account": mask_digits(customer.account_number, 4, 4)}
    return mask_name(customer.name)


def why(warning: EarlyWarning) -> str:
    """The one sentence: what, how many, against what."""
    if warning.kind == EarlyWarning.Kind.SPIKE:
        figures = {"series": series(warning), "count": warning.count, "days": warning.window_days,
                   "rate": _number(warning.per_week), "expected": _number(warning.expected),
                   "weeks": round(warning.baseline_days / 7), "change": f"{warning.overall_change:.2f}"}
        if not warning.baseline_count:
            return ngettext("%(series)s: %(count)s complaint in %(days)s days, against none in the %(weeks)s "
                            "weeks before.",
                            "%(series)s: %(count)s complaints in %(days)s days, against none in the %(weeks)s "
                            "weeks before.", warning.count) % figures
        if warning.overall_change > 1:
            return ngettext("%(series)s: %(count)s complaint in %(days)s days, against %(expected)s expected: "
                            "%(rate)s a week in the %(weeks)s weeks before, times %(change)s as all other "
                            "complaints rose.",
                            "%(series)s: %(count)s complaints in %(days)s days, against %(expected)s expected: "
                            "%(rate)s a week in the %(weeks)s weeks before, times %(change)s as all other "
                            "complaints rose.", warning.count) % figures
        if warning.window_days == 7:
            return ngettext("%(series)s: %(count)s complaint in 7 days, against %(rate)s a week in the "
                            "%(weeks)s weeks before.",
                            "%(series)s: %(count)s complaints in 7 days, against %(rate)s a week in the "
                            "%(weeks)s weeks before.", warning.count) % figures
        return ngettext("%(series)s: %(count)s complaint in %(days)s days, against %(expected)s expected from "
                        "the %(weeks)s weeks before (%(rate)s a week).",
                        "%(series)s: %(count)s complaints in %(days)s days, against %(expected)s expected from "
                        "the %(weeks)s weeks before (%(rate)s a week).", warning.count) % figures
    if warning.kind == EarlyWarning.Kind.MASS:
        return ngettext("%(customers)s customer complained about %(matter)s within %(days)s days.",
                        "%(customers)s customers complained about %(matter)s within %(days)s days.",
                        warning.customers) % {"customers": warning.customers, "matter": _matter(warning),
                                              "days": warning.window_days}
    return ngettext("%(customer)s complained %(count)s time in %(days)s days.",
                    "%(customer)s complained %(count)s times in %(days)s days.", warning.count) % {
        "customer": customer_label(warning.customer), "count": warning.count, "days": warning.window_days}
