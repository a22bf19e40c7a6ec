"""A pack's reminders and escalation ladder (issue 15) are checked when it is loaded:
a reminder after its own due time, an escalation to a role nobody can hold, or a ladder
out of order is refused with the file, the field and the reason."""

from __future__ import annotations

import textwrap

import pytest

from redress.policy.loader import PolicyError, load_pack


def institution_file(tmp_path, text: str):
    path = tmp_path / "institution.yaml"
    path.write_text("extends: general\ncode: example\n" + textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def problem(path):
    with pytest.raises(PolicyError) as err:
        load_pack(str(path))
    assert err.value.file == path
    [found] = err.value.problems
    return found


CLOCK = """
clocks:
  - code: resolution
    name: { zh-hans: 解决, en: Resolved }
    starts_on: registered
    stops_on: communicated
    limit: { amount: 5, unit: working_days }
    extendable: true
    reminders: %s
"""


def test_the_shipped_packs_remind_before_and_escalate_after(tmp_path):
    pack = load_pack("general")
    resolution = pack.clock("resolution")
    assert [r.before.amount for r in resolution.reminders] == [3, 1]
    assert [s.to for s in pack.ladder(resolution)] == [["holder"], ["unit_head"], ["complaints_office"],
                                                       ["senior_management"]]


def test_a_reminder_at_or_past_the_due_time_is_refused(tmp_path):
    path = institution_file(tmp_path, CLOCK % "[{ percent: 120 }]")
    found = problem(path)
    assert found.path == "clocks[0].reminders[0]"
    assert "120" in found.message and "not before the due time" in found.message
    assert found.line == 10  # the reminders line


def test_a_reminder_longer_before_than_the_limit_is_refused(tmp_path):
    path = institution_file(tmp_path, CLOCK % "[{ before: { amount: 5, unit: working_days } }]")
    found = problem(path)
    assert found.path == "clocks[0].reminders"
    assert "5 working_days before the due time is not inside the limit (5 working_days)" in found.message


def test_an_escalation_to_a_role_nobody_can_hold_is_refused(tmp_path):
    path = institution_file(tmp_path, """
        escalation:
          - { after: { amount: 0, unit: working_days }, to: [holder] }
          - { after: { amount: 1, unit: working_days }, to: [branch_manager] }
        """)
    found = problem(path)
    assert found.path == "escalation[1].to[0]"
    assert "unknown recipient 'branch_manager'" in found.message and "unit_head" in found.message
    assert found.line == 5


def test_a_ladder_out_of_order_is_refused(tmp_path):
    path = institution_file(tmp_path, """
        escalation:
          - { after: { amount: 0, unit: working_days }, to: [holder] }
          - { after: { amount: 2, unit: working_days }, to: [complaints_office] }
          - { after: { amount: 1, unit: working_days }, to: [unit_head] }
        """)
    found = problem(path)
    assert found.path == "escalation"
    assert "step 2: the ladder is out of order" in found.message


def test_a_clock_ladder_out_of_order_names_the_clock(tmp_path):
    path = institution_file(tmp_path, (CLOCK % "[]") + """
    escalation:
      - { after: { amount: 3, unit: working_days }, to: [holder] }
      - { after: { amount: 3, unit: working_days }, to: [unit_head] }
""")
    found = problem(path)
    assert found.path == "clocks[0].escalation"
    assert "out of order" in found.message


def test_a_remedy_reminder_counts_working_days_before_the_due_date(tmp_path):
    assert [(r.before.amount, r.to) for r in load_pack("general").remedy_reminders] == [(2, ["holder", "unit_head"])]
    path = institution_file(tmp_path, """
        remedy_reminders:
          - { before: { amount: 4, unit: hours } }
    """)
    found = problem(path)
    assert found.path == "remedy_reminders"
    assert "a remedy is due on a day; give before in working_days" in found.message


def test_the_shipped_remedy_ladder_climbs_in_working_days_after_the_due_date():
    assert [(s.after.amount, s.to) for s in load_pack("general").remedy_escalation] == [
        (0, ["holder"]), (1, ["unit_head"]), (5, ["senior_management"])]


@pytest.mark.parametrize("steps, reason", [
    (["{ after: { amount: 4, unit: hours }, to: [holder] }"], "a remedy is due on a day; give after in working_days"),
    (["{ after: { amount: 2, unit: working_days }, to: [holder] }",
      "{ after: { amount: 1, unit: working_days }, to: [unit_head] }"], "out of order"),
    (["{ after: { amount: 0, unit: working_days }, to: [the_board] }"], "unknown recipient 'the_board'"),
])
def test_a_remedy_ladder_in_hours_out_of_order_or_to_nobody_is_refused(tmp_path, steps, reason):
    found = problem(institution_file(tmp_path, "remedy_escalation:\n" + "".join(f"  - {s}\n" for s in steps)))
    assert found.path.startswith("remedy_escalation")
    assert reason in found.message
