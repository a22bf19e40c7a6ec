"""/returns/: each return the pack declares, with its next due date and whether it was
produced for the last ended period (by whom, when, the files' SHA-256); a form to produce
one for an ended period; the recorded files as downloads. Thin: `produce` checks and
writes, `periods` says what is due, the template shows it. Open to the roles that make
returns (the complaints office, compliance)."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from redress.complaints.errors import NotPermitted, ValidationFailed
from redress.complaints.timesource import now as current_time
from redress.policy.loader import active_pack
from redress.policy.returns_schema import PeriodKind
from redress.reports.models import ReturnProduction
from redress.reports.returns import periods
from redress.reports.returns.files import XLSX_TYPE
from redress.reports.returns.produce import PRODUCER_ROLES, latest, return_produce
from redress.web.access import staff_view
from redress.web.calendar import request_calendar

KINDS = {PeriodKind.MONTH: _("monthly"), PeriodKind.QUARTER: _("quarterly"), PeriodKind.HALF_YEAR: _("half-yearly"),
         PeriodKind.YEAR: _("yearly")}
SUGGESTED = 8  # ended periods offered in the form
HISTORY = 10  # productions listed per return


class ProduceForm(forms.Form):
    return_code = forms.ChoiceField(label=_("Return"))
    period = forms.CharField(label=_("Period"), max_length=10, strip=True)

    def __init__(self, data=None, *, pack, language):
        super().__init__(data)
        self.fields["return_code"].choices = [(r.code, r.name.get(language)) for r in pack.returns]


def _summary(pack, ret, today, cal, language) -> dict:
    last = periods.last_ended(ret.period, today)
    due_period, due = periods.next_due(ret, today, cal)
    done = latest(ret.code, last.label)
    history = (ReturnProduction.objects.filter(return_code=ret.code).select_related("staff").defer("xlsx", "csv")
               .order_by("-at", "-pk")[:HISTORY])
    ended = [last]
    while len(ended) < SUGGESTED:
        ended.append(ended[-1].previous())
    return {
        "ret": ret, "name": ret.name.get(language), "kind": KINDS[ret.period], "last": last,
        "regulator": pack.authority(ret.regulator).name.get(language) if ret.regulator else "",
        "last_due": periods.due_date(ret, last, cal), "done": done, "late": done is None and
        periods.due_date(ret, last, cal) < today, "next_period": due_period, "next_due": due,
        "history": history, "ended": ended,
    }


def _page(request: HttpRequest, form: ProduceForm, produced: ReturnProduction | None = None, status: int = 200):
    pack, cal = active_pack(), request_calendar(request)
    language = translation.get_language()
    today = current_time().astimezone(cal.tz).date()
    returns = [_summary(pack, ret, today, cal, language) for ret in pack.returns]
    return render(request, "reports/returns.html", {
        "nav": "returns", "returns": returns, "form": form, "produced": produced, "today": today, "tz": cal.tz,
        "example": periods.EXAMPLES[pack.returns[0].period] if pack.returns else "",
    }, status=status)


@require_GET
@staff_view(*PRODUCER_ROLES)
def returns_page(request: HttpRequest) -> HttpResponse:
    pack = active_pack()
    produced = None
    if request.GET.get("produced", "").isdigit():
        produced = ReturnProduction.objects.defer("xlsx", "csv").filter(pk=int(request.GET["produced"])).first()
    initial = {}
    if pack.returns:
        first = pack.returns[0]
        today = current_time().astimezone(request_calendar(request).tz).date()
        initial = {"return_code": first.code, "period": periods.last_ended(first.period, today).label}
    form = ProduceForm(pack=pack, language=translation.get_language())
    form.initial = initial
    return _page(request, form, produced)


@require_http_methods(["POST"])
@staff_view(*PRODUCER_ROLES)
def produce(request: HttpRequest) -> HttpResponse:
    pack, cal = active_pack(), request_calendar(request)
    form = ProduceForm(request.POST, pack=pack, language=translation.get_language())
    if form.is_valid():
        try:
            done = return_produce(staff=request.user, pack=pack, code=form.cleaned_data["return_code"],
                                  period=form.cleaned_data["period"], now=current_time(), cal=cal,
                                  language=translation.get_language())
        except ValidationFailed as err:
            form.add_error(err.field if err.field in form.fields else None, err.rule)
        except NotPermitted as err:
            form.add_error(None, err.rule)
        else:
            return redirect(f"{request.path.rsplit('produce/', 1)[0]}?produced={done.record.pk}#produced")
    return _page(request, form, status=400)


@require_GET
@staff_view(*PRODUCER_ROLES)
def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """A recorded file, byte for byte as produced (its SHA-256 is on the page)."""
    record = ReturnProduction.objects.filter(pk=pk).first()
    if record is None or fmt not in ("xlsx", "csv"):
        raise Http404(_("No such return file."))
    return file_response(record, fmt)


def file_response(record: ReturnProduction, fmt: str) -> HttpResponse:
    data = bytes(record.xlsx if fmt == "xlsx" else record.csv)
    response = HttpResponse(data, content_type=XLSX_TYPE if fmt == "xlsx" else "text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{record.return_code}-{record.period}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
