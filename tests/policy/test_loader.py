"""Policy packs: the shipped ones load and say what their seeds say, an institution
file extends a shipped pack in a few lines, and every kind of mistake is reported with
the file, the path inside it and the rule broken.

No database and no Django settings are needed (``active_pack`` imports Django lazily),
so this module also runs with ``-p no:django``.
"""

from __future__ import annotations

import textwrap
from datetime import date, time
from decimal import Decimal
from types import SimpleNamespace

import pytest

from redress.policy import loader
from redress.policy.loader import (
    PolicyError,
    active_pack,
    load_pack,
    reset_active_pack,
    shipped_packs,
)
from redress.policy.schema import Pack, Role, Stage, Unit

SHIPPED = ["cn-banking", "cn-futures", "cn-securities", "general", "sg-mas", "uk-fca", "us-broker", "us-cfpb"]
SECURITIES_UNITS = {
    "retail_hq",
    "customer_service",
    "brokerage_dept",
    "it_center",
    "marketing_center",
    "compliance_legal",
    "audit_hq",
}


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def load_error(ref) -> PolicyError:
    with pytest.raises(PolicyError) as err:
        load_pack(str(ref))
    return err.value


# ---- the shipped packs ---------------------------------------------------------------


def test_shipped_packs_are_listed():
    assert shipped_packs() == SHIPPED


@pytest.mark.parametrize("code", SHIPPED)
def test_every_shipped_pack_loads_and_hangs_together(code):
    pack = load_pack(code)
    assert isinstance(pack, Pack) and pack.code == code
    assert pack.retention_years >= 3  # SPEC §4
    assert pack.name.zh_hans and pack.name.en
    extendable = [c.code for c in pack.clocks if c.extendable]
    assert len(extendable) <= 1
    if pack.extension:
        assert pack.extension.clock in extendable
    for clock in pack.clocks:
        assert clock.starts_on != clock.stops_on
    # The acknowledgment says where to go next (notify/texts.py): the pack's referral
    # notice, or else the mediation bodies, found by code suffix.
    assert pack.referral_notice or any(a.code.endswith("mediation") for a in pack.authorities)
    assert {"court", "police"} <= {a.code for a in pack.authorities}
    assert set(pack.forbidden_phrases) >= {"zh-hans", "en"}
    for trigger in pack.triggers:
        assert set(trigger.keywords) == {"zh-hans", "en"}, trigger.code


def test_a_shipped_pack_loads_the_same_by_path():
    by_path = load_pack(str(loader.PACKS_DIR / "cn-securities.yaml"))
    assert by_path == load_pack("cn-securities")


def test_cn_securities_time_limits_follow_001_article_22():
    pack = load_pack("cn-securities")
    resolution = pack.clock("resolution")
    assert (resolution.limit.amount, resolution.limit.unit) == (20, Unit.WORKING_DAYS)
    assert (resolution.starts_on, resolution.stops_on) == (Stage.REGISTERED, Stage.COMMUNICATED)
    assert resolution.extendable

    ext = pack.extension
    assert (ext.min_notice.amount, ext.min_notice.unit) == (3, Unit.WORKING_DAYS)
    assert (ext.max_extension.amount, ext.max_extension.unit) == (10, Unit.WORKING_DAYS)
    assert ext.approver_roles == [Role.COMPLAINTS_OFFICE]
    assert ext.further_requires_consent
    assert set(ext.report_further_to) == {Role.COMPLAINTS_OFFICE, Role.COMPLIANCE, Role.AUDIT}

    assert (pack.deemed_closure.follow_up.amount, pack.deemed_closure.follow_up.unit) == (
        6,
        Unit.MONTHS,
    )

    inquiry = pack.clock("inquiry_reply")  # 001 第十五条
    assert inquiry.limit.unit == Unit.SAME_WORKING_DAY and inquiry.applies_to_inquiries


def test_cn_securities_basics():
    pack = load_pack("cn-securities")
    assert pack.reference_prefix == "TS"
    assert pack.retention_years == 3  # 001 第二十四条
    assert (pack.calendar.country, pack.calendar.timezone) == ("CN", "Asia/Shanghai")
    assert (pack.calendar.work_start, pack.calendar.work_end) == (time(9), time(17))
    assert {
        "phone",
        "walk_in",
        "letter",
        "fax",
        "email",
        "web",
        "app",
        "regulator_referral",
        "other",
    } == set(pack.channel_codes())
    assert pack.authority("hotline_12386").contact == "12386"
    assert pack.callback.required and pack.callback.within.amount == 5
    assert pack.max_attachment_bytes == 20 * 1024 * 1024
    assert "application/pdf" in pack.attachment_types


def test_cn_securities_has_the_seven_categories_of_001_article_16():
    pack = load_pack("cn-securities")
    assert [c.code for c in pack.categories] == [
        "marketing",
        "counter",
        "trading_assets",
        "info_system",
        "service_quality",
        "suitability",
        "other",
    ]
    units = {c.default_unit for c in pack.iter_categories()} - {None}
    assert units <= SECURITIES_UNITS
    assert pack.category("info_system").default_unit == "it_center"
    assert pack.category("suitability").default_unit == "brokerage_dept"
    assert pack.category("service_quality").default_unit is None  # the branch concerned

    stolen = pack.category("stolen_funds")
    assert stolen in pack.category("trading_assets").children
    [step] = stolen.special_steps
    assert set(step.notify_authorities) == {"police", "csrc_local"}


def test_cn_securities_forbids_the_four_phrases_of_001_article_17():
    phrases = load_pack("cn-securities").forbidden_phrases
    assert {"不可能", "不会有这样的事", "这事情的责任不在我公司", "我公司没有错"} <= set(
        phrases["zh-hans"]
    )
    assert {"impossible", "we did nothing wrong", "not our fault"} <= set(phrases["en"])


def test_cn_futures_follows_004():
    pack = load_pack("cn-futures")
    assert pack.reference_prefix == "QH"
    assert [c.code for c in pack.categories[1].children] == [
        "work_error",
        "system_failure",
        "internal_coordination",
    ]
    work_order = pack.clock("work_order")
    assert (work_order.limit.amount, work_order.limit.unit) == (15, Unit.WORKING_MINUTES)
    resolution = pack.clock("resolution")
    assert (resolution.limit.amount, resolution.limit.unit) == (2, Unit.WORKING_DAYS)
    assert [c.limit.amount for c in pack.clocks if c.limit.unit == Unit.WORKING_HOURS] == [1, 1]
    assert pack.economic_dispute.decider_roles == [Role.CRO]  # 004 第十六条


def test_us_broker_keeps_records_four_years():
    pack = load_pack("us-broker")
    assert pack.retention_years == 4
    assert (pack.calendar.country, pack.calendar.timezone) == ("US", "America/New_York")


@pytest.mark.parametrize(
    ("amount", "severity", "expected"),
    [
        (None, "low", [Role.DEPT_HEAD, Role.COMPLAINTS_OFFICE]),
        ("5000", "medium", [Role.DEPT_HEAD, Role.COMPLAINTS_OFFICE]),
        ("5000.01", "medium", [Role.COMPLAINTS_OFFICE]),
        ("0", "high", [Role.COMPLAINTS_OFFICE]),
        ("50000", "high", [Role.COMPLAINTS_OFFICE]),
        ("50000.01", "low", [Role.CRO, Role.SENIOR_MANAGEMENT]),
        (None, "major", [Role.CRO, Role.SENIOR_MANAGEMENT]),
    ],
)
def test_authority_matrix_picks_the_approver(amount, severity, expected):
    pack = load_pack("cn-securities")
    value = Decimal(amount) if amount is not None else None
    assert pack.approver_roles(amount=value, severity=severity) == expected


def test_economic_disputes_go_to_the_cro():
    assert Role.CRO in load_pack("cn-securities").economic_dispute.decider_roles


# ---- institution files ---------------------------------------------------------------


def test_institution_file_extends_and_overrides(tmp_path):
    path = write(
        tmp_path,
        "institution.yaml",
        """
        extends: cn-securities
        code: example-securities
        name:
          en: Example Securities complaints
        retention_years: 5
        calendar:
          extra_closures: [2026-02-13, 2026-02-24]
          work_end: 17:30
        """,
    )
    pack = load_pack(str(path))
    base = load_pack("cn-securities")
    assert pack.code == "example-securities" and pack.extends == "cn-securities"
    assert pack.retention_years == 5
    # Mappings merge: the rest of the calendar and the other half of the label stay.
    assert pack.calendar.extra_closures == [date(2026, 2, 13), date(2026, 2, 24)]
    assert pack.calendar.work_end == time(17, 30)  # unquoted, not the YAML 1.1 integer 1050
    assert pack.calendar.timezone == "Asia/Shanghai" and pack.calendar.work_start == time(9)
    assert (
        pack.name.en == "Example Securities complaints" and pack.name.zh_hans == base.name.zh_hans
    )
    # Everything not mentioned is the parent's.
    assert pack.clocks == base.clocks and pack.categories == base.categories
    assert pack.extension == base.extension


def test_lists_replace_and_null_switches_a_rule_off(tmp_path):
    path = write(
        tmp_path,
        "institution.yml",
        """
        extends: cn-securities
        channels:
          - code: phone
            name: {zh-hans: 电话, en: Phone}
        deemed_closure: null
        """,
    )
    pack = load_pack(str(path))
    assert pack.channel_codes() == ["phone"]
    assert pack.deemed_closure is None


def test_extends_chains_and_relative_paths(tmp_path):
    write(
        tmp_path,
        "group/base.yaml",
        """
        extends: cn-futures
        retention_years: 10
        """,
    )
    path = write(
        tmp_path,
        "branch/firm.yaml",
        """
        extends: ../group/base.yaml
        reference_prefix: MKQH
        calendar:
          country: "NO"
          timezone: Europe/Oslo
        """,
    )
    pack = load_pack(path)  # a Path works too
    assert (pack.retention_years, pack.reference_prefix) == (10, "MKQH")
    assert pack.calendar.country == "NO" and pack.calendar.timezone == "Europe/Oslo"
    assert pack.clock("work_order").limit.amount == 15


def test_yaml_1_1_surprises_are_off(tmp_path):
    path = write(
        tmp_path,
        "odd.yaml",
        """
        extends: cn-securities
        calendar:
          country: NO
          timezone: Europe/Oslo
          work_start: 08:00
          work_end: 16:00
        """,
    )
    pack = load_pack(str(path))
    assert pack.calendar.country == "NO"  # not False
    assert (pack.calendar.work_start, pack.calendar.work_end) == (time(8), time(16))  # not 960


# ---- errors name the file, the path and the rule ----------------------------------------


def test_misspelt_key(tmp_path):
    path = write(
        tmp_path,
        "inst.yaml",
        """
        extends: cn-securities
        retention_yaers: 5
        calendar:
          time_zone: Asia/Shanghai
        """,
    )
    err = load_error(path)
    text = str(err)
    assert str(path) in text and "2 problems" in text
    assert f"{path}:2: retention_yaers: unknown key" in text
    assert "did you mean 'retention_years'" in text
    assert (
        f"{path}:4: calendar.time_zone: unknown key" in text and "did you mean 'timezone'" in text
    )
    assert [p.path for p in err.problems] == ["retention_yaers", "calendar.time_zone"]
    assert err.file == path


CLOCKS_WITH_A_BAD_UNIT = """
extends: cn-securities
clocks:
  - code: resolution
    name: {zh-hans: 办结, en: Resolved}
    starts_on: registered
    stops_on: communicated
    limit: {amount: 20, unit: working_days}
    extendable: true
  - code: callback
    name: {zh-hans: 回访, en: Callback}
    starts_on: communicated
    stops_on: closed
    limit:
      amount: 1
      unit: weeks
"""


def test_bad_unit(tmp_path):
    path = write(tmp_path, "inst.yaml", CLOCKS_WITH_A_BAD_UNIT)
    err = load_error(path)
    [problem] = err.problems
    assert problem.path == "clocks[1].limit.unit"
    assert (problem.file, problem.line) == (path, 15)
    assert "working_days" in problem.message and "'weeks'" in problem.message
    assert f"{path}:15: clocks[1].limit.unit: Input should be" in str(err)


def test_bad_time_zone(tmp_path):
    path = write(
        tmp_path, "inst.yaml", "extends: cn-securities\ncalendar:\n  timezone: Asia/Shanghia\n"
    )
    [problem] = load_error(path).problems
    assert (problem.path, problem.line) == ("calendar.timezone", 3)
    assert "unknown time zone 'Asia/Shanghia'" in problem.message


def test_aware_working_hours_are_refused_not_crashed_on(tmp_path):
    path = write(
        tmp_path, "inst.yaml", 'extends: cn-securities\ncalendar:\n  work_end: "17:00+08:00"\n'
    )
    err = load_error(path)
    assert str(path) in str(err)


def test_default_unit_must_be_a_code(tmp_path):
    path = write(
        tmp_path,
        "inst.yaml",
        """
        extends: cn-securities
        categories:
          - code: other
            name: {zh-hans: 其他, en: Other}
            default_unit: Retail HQ
        """,
    )
    [problem] = load_error(path).problems
    assert (problem.path, problem.line) == ("categories[0].default_unit", 5)
    assert "pattern" in problem.message and "'Retail HQ'" in problem.message


def test_extension_clock_must_exist(tmp_path):
    path = write(tmp_path, "inst.yaml", "extends: cn-securities\nextension:\n  clock: settlement\n")
    err = load_error(path)
    [problem] = err.problems
    assert problem.path == "extension.clock" and (problem.file, problem.line) == (path, 3)
    assert "'settlement' is not one of the clocks" in problem.message
    assert f"{path}:3: extension.clock:" in str(err)


def test_problem_in_a_parent_file_points_at_the_parent(tmp_path):
    parent = write(tmp_path, "group.yaml", "extends: cn-securities\nretention_years: 0\n")
    child = write(tmp_path, "firm.yaml", "extends: group.yaml\ncode: firm\n")
    err = load_error(child)
    assert err.file == child
    [problem] = err.problems
    assert (problem.file, problem.line, problem.path) == (parent, 2, "retention_years")
    assert "greater than or equal to 1" in problem.message and "(got 0)" in problem.message


def test_missing_field_in_a_standalone_file(tmp_path):
    path = write(tmp_path, "alone.yaml", "code: alone\nname: {zh-hans: 独立, en: Alone}\n")
    err = load_error(path)
    paths = {p.path for p in err.problems}
    assert {"reference_prefix", "retention_years", "calendar", "clocks"} <= paths
    assert all("Field required" in p.message for p in err.problems)


def test_yaml_syntax_error_gives_line_and_column(tmp_path):
    path = write(
        tmp_path,
        "broken.yaml",
        """
        extends: cn-securities
        name:
          en: Broken
           zh-hans: 坏的
        """,
    )
    err = load_error(path)
    assert "YAML syntax error at line 4" in str(err)
    [problem] = err.problems
    assert (problem.file, problem.line) == (path, 4)
    assert str(err).startswith(f"{path}: YAML syntax error")


def test_repeated_key_is_an_error(tmp_path):
    path = write(
        tmp_path, "dup.yaml", "extends: cn-securities\nretention_years: 5\nretention_years: 3\n"
    )
    err = load_error(path)
    assert "duplicate key 'retention_years' (first given on line 2)" in str(err)
    assert err.problems[0].line == 3


def test_a_list_is_not_a_pack(tmp_path):
    path = write(tmp_path, "list.yaml", "- one\n- two\n")
    assert "must be a mapping" in str(load_error(path))


def test_unknown_pack_name_lists_the_shipped_ones():
    err = load_error("cn-securites")
    text = str(err)
    assert "unknown policy pack 'cn-securites'" in text and "did you mean 'cn-securities'" in text
    for code in SHIPPED:
        assert code in text


def test_unknown_parent_names_the_file_and_the_key(tmp_path):
    path = write(tmp_path, "inst.yaml", "# our policy\nextends: cn-banks\n")
    err = load_error(path)
    [problem] = err.problems
    assert (problem.file, problem.line, problem.path) == (path, 2, "extends")
    assert (
        "unknown policy pack 'cn-banks'" in problem.message and "cn-securities" in problem.message
    )


def test_missing_file(tmp_path):
    err = load_error(tmp_path / "nowhere.yaml")
    assert "no such policy file" in str(err) and "nowhere.yaml" in str(err)


def test_extends_cycle(tmp_path):
    a = write(tmp_path, "a.yaml", "extends: b.yaml\n")
    b = write(tmp_path, "b.yaml", "extends: a.yaml\n")
    err = load_error(a)
    text = str(err)
    assert "extends cycle" in text and str(a) in text and str(b) in text
    assert err.problems[0].path == "extends"


def test_extends_itself(tmp_path):
    a = write(tmp_path, "self.yaml", "extends: ./self.yaml\n")
    assert "extends cycle" in str(load_error(a))


# ---- the active pack ---------------------------------------------------------------------


@pytest.fixture
def fake_settings(monkeypatch):
    import django.conf

    settings = SimpleNamespace(REDRESS_POLICY="general", configured=False)
    monkeypatch.setattr(django.conf, "settings", settings)
    reset_active_pack()
    yield settings
    reset_active_pack()


def test_active_pack_is_loaded_once_and_reset_on_demand(fake_settings):
    first = active_pack()
    assert first.code == "general"
    fake_settings.REDRESS_POLICY = "cn-futures"
    assert active_pack() is first
    reset_active_pack()
    assert active_pack().code == "cn-futures"


def test_changing_the_setting_clears_the_cache(fake_settings):
    from django.core.signals import setting_changed

    assert active_pack().code == "general"
    fake_settings.REDRESS_POLICY = "us-broker"
    setting_changed.send(sender=None, setting="REDRESS_POLICY", value="us-broker", enter=True)
    assert active_pack().code == "us-broker"


def test_a_broken_active_policy_fails_loudly(fake_settings, tmp_path):
    fake_settings.REDRESS_POLICY = str(tmp_path / "missing.yaml")
    with pytest.raises(PolicyError, match="no such policy file"):
        active_pack()


def test_phrase_variants_must_be_used_by_a_phrase_and_belong_to_one_group(tmp_path):
    unused = write(tmp_path, "unused.yaml", """
        extends: cn-securities
        forbidden_phrase_variants:
          贵公司: [贵司]
        """)
    assert "no forbidden phrase uses any of ['贵公司', '贵司']" in str(load_error(unused))
    twice = write(tmp_path, "twice.yaml", """
        extends: cn-securities
        forbidden_phrase_variants:
          我公司: [我司]
          我们: [我司]
        """)
    assert "['我司'] listed more than once" in str(load_error(twice))


def test_cn_securities_lists_the_words_a_forbidden_phrase_is_dodged_with():
    variants = load_pack("cn-securities").forbidden_phrase_variants
    assert {"我司", "本公司", "本司"} <= set(variants["我公司"]) and "贵公司" not in variants["我公司"]
    assert "没错" in variants["没有错"]


# ---- rules the code enforces from the pack (issue 10) ----------------------------------


def test_callback_within_must_be_the_callback_clock_s_limit(tmp_path):
    path = write(tmp_path, "inst.yaml", """
        extends: cn-securities
        callback:
          within: { amount: 3, unit: working_days }
        """)
    text = str(load_error(path))
    assert "callback.within (3 working_days)" in text and "its limit is 5 working_days" in text


def test_every_shipped_pack_times_its_callback_with_the_callback_clock():
    for name in SHIPPED:
        pack = load_pack(name)
        if pack.callback.within is not None:
            assert pack.clock("callback").limit == pack.callback.within, name


def test_economic_dispute_triggers_must_be_triggers(tmp_path):
    path = write(tmp_path, "inst.yaml", """
        extends: cn-securities
        economic_dispute:
          triggers: [compensation_claim, money_talk]
        """)
    assert "economic_dispute.triggers: 'money_talk' is not one of the triggers" in str(load_error(path))
