"""Early warning (预警) on the demo: how many warnings the demo's normal data raises
(every one a false alarm: nothing was injected), and whether spikes, mass complaints
and repeat complainants injected into it are found.

    .venv/bin/python benchmarks/early_warning.py            # builds the demo in a temporary directory
    REDRESS_DATA_DIR=/tmp/x .venv/bin/python benchmarks/early_warning.py --reuse   # an existing demo

Each injection is made through the real services (intake, assessment, dispatch) at
times in the last seven days, the detectors are run (services.candidates: what the
sweep would raise), and the injection is rolled back before the next. A spike is
injected into every unit × category series the demo has (the unit as the detector
sees it: the responsible unit, else the branch) and into its product, at several
sizes; "found" means a spike warning for exactly that series. Prints a table; exits 1
if a spike of the largest size was missed.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
SIZES = (3, 5, 8, 12, 16)


def setup(reuse: bool) -> None:
    if not reuse and "REDRESS_DATA_DIR" not in os.environ:
        os.environ["REDRESS_DATA_DIR"] = tempfile.mkdtemp(prefix="redress-ew-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redress.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from redress.complaints import ledger_key

    ledger_key.ensure()  # checkpoints are signed, as after `redress init`
    from redress.complaints.demo import build_demo
    from redress.complaints.models import Institution

    if not Institution.objects.exists():
        started = time.perf_counter()
        build_demo()
        print(f"demo built in {time.perf_counter() - started:.0f} s")


def describe(found) -> str:
    from django.utils import translation

    from redress.earlywarning.sentences import why

    with translation.override("en"):
        return why(found)


class Rollback(Exception):
    pass


def main(argv=None) -> int:
    args = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    args.add_argument("--reuse", action="store_true", help="use the demo in REDRESS_DATA_DIR / REDRESS_DATABASE_URL")
    args.add_argument("--allow-for-overall-rise", action="store_true",
                      help="raise each series' expectation by the rise of all other complaints "
                           "(the pack's early_warning.allow_for_overall_rise)")
    opts = args.parse_args(argv)
    setup(opts.reuse)

    from django.db import transaction
    from django.db.models import Count
    from django.db.models.functions import Coalesce

    from redress.complaints import services as svc
    from redress.complaints.models import Complaint, ComplaintParty, Customer, OrgUnit, Staff
    from redress.complaints.timesource import frozen
    from redress.complaints.timesource import now as current_time
    from redress.earlywarning.candidates import counted
    from redress.earlywarning.services import candidates, raise_warnings
    from redress.policy.loader import active_pack

    policy = active_pack().early_warning
    if opts.allow_for_overall_rise:
        policy = policy.model_copy(update={"allow_for_overall_rise": True})
    print(f"policy: {policy.model_dump()}")
    at = current_time()
    rng = random.Random(7)
    desk, office = Staff.objects.get(username="intake.li"), Staff.objects.get(username="office.chen")
    weeks = Counter(int((at - c).days // 7) for c in counted().values_list("received_at", flat=True))
    print(f"demo: {counted().count()} complaints; received per week, newest first: "
          f"{[weeks.get(w, 0) for w in range(16)]}")

    try:
        with transaction.atomic():  # what the sweep would raise now, de-duplicated; then undone
            normal = raise_warnings(at=at, policy=policy)
            raise Rollback
    except Rollback:
        pass
    print(f"\nnormal data: the sweep raises {len(normal)} warnings (false alarms) — "
          + ", ".join(f"{k} {v}" for k, v in sorted(Counter(c.kind for c in normal).items())))
    for found in normal:
        print(f"  {found.kind:6} {describe(found)}")
    normal_keys = {c.key for c in normal}

    words = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"

    def inject(when, *, category, unit=None, branch=None, product="", cause="", account="") -> int:
        parties = [svc.PartyInput(kind="product", product=product)] if product else []
        n = rng.randrange(10**8)
        data = svc.ComplaintInput(
            customer=svc.CustomerInput(name="测试客户", phone=f"137{n:08d}", account_number=account or f"9900{n:08d}"),
            channel="phone", subject="".join(rng.choice(words) for _ in range(8)),
            cause=cause or "".join(rng.choice(words) for _ in range(40)), branch=branch, parties=parties)
        with frozen(when):
            c = svc.complaint_receive(actor=desk, data=data, register=True)
            svc.complaint_assess(c, actor=office, category=category, severity="medium")
            if unit is not None and unit != branch:
                svc.complaint_dispatch(c, actor=office, unit=unit)
        return c.pk

    def trial(injections: list[dict], matches) -> tuple[bool, int]:
        """Inject, run the detectors, roll back: (found, other new warnings). Found: a
        warning that `matches` and counts every complaint injected."""
        result = {}
        try:
            with transaction.atomic():
                injected = {inject(**kw) for kw in injections}
                found = candidates(policy, at)
                result["hit"] = any(matches(c) and injected <= set(c.complaint_ids) for c in found)
                result["other"] = sum(1 for c in found if not matches(c) and c.key not in normal_keys)
                raise Rollback
        except Rollback:
            pass
        return result["hit"], result["other"]

    branches = {u.pk: u for u in OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH)}
    series = sorted(set(
        counted().exclude(category="").annotate(u=Coalesce("responsible_unit_id", "branch_id")).filter(u__isnull=False)
        .values_list("u", "category")))
    products = sorted(set(ComplaintParty.objects.filter(kind="product").values_list("product", flat=True)))
    units = {u.pk: u for u in OrgUnit.objects.all()}
    print(f"\nspikes injected into {len(series)} unit × category series and {len(products)} product(s), "
          f"sizes {SIZES} complaints in the last 7 days:")
    table, missed_largest, other_total = {}, [], 0
    started = time.perf_counter()
    for size in SIZES:
        hits = tried = 0
        for unit_id, category in series:
            unit = units[unit_id]
            branch = unit if unit_id in branches else rng.choice(list(branches.values()))
            times = [at - timedelta(hours=rng.uniform(1, 160)) for _ in range(size)]
            hit, other = trial([dict(when=t, category=category, unit=unit, branch=branch) for t in times],
                               lambda c, u=unit_id, k=category: c.kind == "spike" and c.window_days == 7 and c.unit_id == u
                               and c.category == k)
            hits, tried, other_total = hits + hit, tried + 1, other_total + other
            if not hit and size == SIZES[-1]:
                missed_largest.append(f"{unit.code} × {category}")
        for product in products:
            times = [at - timedelta(hours=rng.uniform(1, 160)) for _ in range(size)]
            hit, other = trial(
                [dict(when=t, category="suitability", branch=rng.choice(list(branches.values())), product=product)
                 for t in times],
                lambda c, p=product: c.kind == "spike" and c.window_days == 7 and c.product == p)
            hits, tried, other_total = hits + hit, tried + 1, other_total + other
            if not hit and size == SIZES[-1]:
                missed_largest.append(f"product {product}")
        table[size] = (hits, tried)
        print(f"  +{size}: {hits} of {tried} found")

    # Mass complaints: three new customers about one product within two days, and three
    # telling one new story in their own variations; repeat complainants: a demo
    # customer with one complaint in 90 days complains twice more.
    story = "今天上午九点四十分开始App一直无法登录,提示网络异常,客服电话也打不进去,行情大跌时无法卖出股票。"
    variants = [story, story.replace("九点四十分", "9点40分"), story.replace("卖出股票", "卖出,损失很大")]
    mass_hits = 0
    for i, branch in enumerate(branches.values()):
        times = [at - timedelta(hours=h) for h in (40, 20, 2)]
        hit, _ = trial([dict(when=t, category="suitability", branch=branch, product=f"新产品{i}号") for t in times],
                       lambda c, p=f"新产品{i}号": c.kind == "mass" and c.product == p)
        mass_hits += hit
        hit, _ = trial([dict(when=t, category="info_system", branch=branch, cause=v)
                        for t, v in zip(times, variants, strict=True)],
                       lambda c: c.kind == "mass" and c.matter == "text" and c.key not in normal_keys)
        mass_hits += hit
    once = [row for row in counted().filter(received_at__gte=at - timedelta(days=80)).values("customer_id")
            .annotate(n=Count("id")).filter(n=1)[:5]]
    repeat_hits = 0
    for row in once:
        customer = Customer.objects.get(pk=row["customer_id"])
        c = Complaint.objects.filter(customer=customer).first()
        hit, _ = trial([dict(when=at - timedelta(days=d), category=c.category or "counter", branch=c.branch,
                             account=customer.account_number) for d in (10, 2)],
                       lambda f, pk=customer.pk: f.kind == "repeat" and f.customer_id == pk)
        repeat_hits += hit
    print(f"  mass complaints: {mass_hits} of {2 * len(branches)} found; "
          f"repeat complainants: {repeat_hits} of {len(once)} found")
    print(f"  other new warnings while injecting: {other_total}; injections took {time.perf_counter() - started:.0f} s")
    if missed_largest:
        print(f"MISSED at +{SIZES[-1]}: {', '.join(missed_largest)}")
    return 1 if missed_largest else 0


if __name__ == "__main__":
    sys.exit(main())
