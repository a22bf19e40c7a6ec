"""A pack's regulator returns are data an institution adjusts in its own file, checked at
load like every rule: a mapping to a value the pack does not have, a table naming a
dimension or column that is not there, a misspelt key are errors naming their path."""

from __future__ import annotations

import pytest

from redress.policy.loader import PolicyError, load_pack
from tests.policy.test_loader import write

HEAD = """
extends: cn-securities
code: example-securities
returns:
  - code: csrc-quarterly
    name: { zh-hans: 季度统计, en: Quarterly statistics }
    period: quarter
    due: { day: 10, months_after: 1 }
    dimensions:
      - code: category
        name: { zh-hans: 类别, en: Category }
        source: category
        codes:
          - { code: "A", name: { zh-hans: 营销, en: Marketing }, values: [marketing] }
          - { code: "Z", name: { zh-hans: 其他, en: Other } }
        otherwise: "Z"
    tables:
"""


def load(tmp_path, tables: str):
    return load_pack(str(write(tmp_path, "inst.yaml", HEAD + tables)))


def problem(tmp_path, tables: str) -> str:
    with pytest.raises(PolicyError) as err:
        load(tmp_path, tables)
    return str(err.value)


def test_an_institution_adjusts_the_layout_in_its_own_file(tmp_path):
    pack = load(tmp_path, """
      - code: by-category
        name: { zh-hans: 按类别, en: By category }
        rows: category
        columns:
          - { code: received, name: { zh-hans: 受理, en: Received }, measure: received }
          - { code: closed, name: { zh-hans: 办结, en: Closed }, measure: closed }
          - { code: rate, name: { zh-hans: 办结率, en: Closed (%) }, ratio: [closed, received] }
    """)
    ret = pack.regulator_return("csrc-quarterly")
    assert ret.due.day == 10 and [c.code for c in ret.tables[0].columns] == ["received", "closed", "rate"]


def test_a_table_naming_a_dimension_the_return_does_not_have_is_refused(tmp_path):
    text = problem(tmp_path, """
      - code: by-channel
        name: { zh-hans: 按渠道, en: By channel }
        rows: channel
        columns: [{ code: received, name: { zh-hans: 受理, en: Received }, measure: received }]
    """)
    assert "returns[0]" in text and "'channel' is not one of the dimensions ['category']" in text


def test_a_ratio_of_a_column_not_in_the_table_is_refused(tmp_path):
    text = problem(tmp_path, """
      - code: t
        name: { zh-hans: 表, en: Table }
        columns:
          - { code: closed, name: { zh-hans: 办结, en: Closed }, measure: closed }
          - { code: rate, name: { zh-hans: 率, en: Rate }, ratio: [on_time, closed] }
    """)
    assert "ratio of column 'rate' must name two other columns" in text


def test_mapping_a_category_the_pack_does_not_have_is_refused(tmp_path):
    path = write(tmp_path, "inst.yaml", HEAD.replace("values: [marketing]", "values: [marketting]") + """
      - code: t
        name: { zh-hans: 表, en: Table }
        columns: [{ code: received, name: { zh-hans: 受理, en: Received }, measure: received }]
    """)
    with pytest.raises(PolicyError) as err:
        load_pack(str(path))
    assert "['marketting'] are not category codes of this pack" in str(err.value)


def test_a_misspelt_key_names_its_path(tmp_path):
    text = problem(tmp_path, """
      - code: t
        name: { zh-hans: 表, en: Table }
        colums: [{ code: received, name: { zh-hans: 受理, en: Received }, measure: received }]
    """)
    assert "returns[0].tables[0].colums: unknown key" in text


def test_a_narrowing_by_a_severity_the_pack_does_not_have_is_refused(tmp_path):
    text = problem(tmp_path, """
      - code: t
        name: { zh-hans: 表, en: Table }
        columns:
          - { code: grave, name: { zh-hans: 重大, en: Grave }, measure: received, where: { severity: [critical] } }
    """)
    assert "where severity ['critical'] are not severity codes of this pack" in text


def test_an_institution_keeping_fewer_channels_keeps_the_shipped_return(tmp_path):
    pack = load_pack(str(write(tmp_path, "inst.yaml", """
        extends: cn-securities
        channels:
          - { code: phone, name: { zh-hans: 电话, en: Phone } }
    """)))
    assert pack.channel_codes() == ["phone"] and pack.regulator_return("csrc-quarterly")


def test_a_half_yearly_return_of_the_disp_shape_is_data(tmp_path):
    """DISP 1.10's shape: product groups by cause, the share closed within 3 business days
    and within 8 weeks, the share upheld and the redress paid, half-yearly, due 30
    business days after the period. (The uk-fca pack brings the real one.)"""
    pack = load_pack(str(write(tmp_path, "inst.yaml", """
        extends: cn-securities
        code: disp-shaped
        returns:
          - code: complaints-return
            name: { zh-hans: 投诉半年报, en: Complaints return }
            period: half_year
            due: { working_days: 30 }
            dimensions:
              - code: product
                name: { zh-hans: 产品组, en: Product group }
                source: product
                codes:
                  - { code: "1", name: { zh-hans: 投资, en: Investments }, words: [fund, stock] }
                  - { code: "0", name: { zh-hans: 无, en: None }, no_product: true }
                otherwise: "0"
              - code: cause
                name: { zh-hans: 原因, en: Cause }
                source: category
                codes:
                  - { code: advice, name: { zh-hans: 建议, en: Advice }, values: [suitability, marketing] }
                  - { code: other, name: { zh-hans: 其他, en: Other } }
                otherwise: other
            tables:
              - code: opened-by-cause
                name: { zh-hans: 按原因, en: Opened by product and cause }
                rows: product
                columns: [{ code: causes, by: cause, measure: received }]
              - code: closed
                name: { zh-hans: 办结, en: Closed }
                rows: product
                columns:
                  - { code: closed, name: { zh-hans: 办结, en: Closed }, measure: closed }
                  - { code: three_days, name: { zh-hans: 3日内, en: Within 3 business days }, measure: closed_within, within: { amount: 3, unit: working_days } }
                  - { code: eight_weeks, name: { zh-hans: 8周内, en: Within 8 weeks }, measure: closed_within, within: { amount: 56, unit: calendar_days } }
                  - { code: pct_3, name: { zh-hans: 3日内占比, en: "% within 3 business days" }, ratio: [three_days, closed] }
                  - { code: pct_8w, name: { zh-hans: 8周内占比, en: "% within 8 weeks" }, ratio: [eight_weeks, closed] }
                  - { code: upheld, name: { zh-hans: 支持, en: Upheld }, measure: closed, where: { responsibility: [institution, shared] } }
                  - { code: pct_upheld, name: { zh-hans: 支持占比, en: "% upheld" }, ratio: [upheld, closed] }
                  - { code: redress, name: { zh-hans: 补偿, en: Redress paid }, measure: compensation_amount }
    """)))
    assert pack.regulator_return("complaints-return").tables[1].columns[1].within.amount == 3


UK_HEAD = """
extends: uk-fca
code: example-uk
returns:
  - code: disp
    name: { zh-hans: 投诉半年报, en: Complaints return }
    period: half_year
    due: { working_days: 30 }
"""
GROUP_DIMENSION = """
    dimensions:
      - code: group
        name: { zh-hans: 产品组, en: Product group }
        source: product
        codes: [{ code: B, name: { zh-hans: 银行, en: Banking }, values: [VALUE] }]
"""
UK_TABLE = """
    tables:
      - code: t
        name: { zh-hans: 表, en: Table }
        rows: group
        columns: [{ code: closed, name: { zh-hans: 结案, en: Closed }, measure: closed }]
"""


def uk_problem(tmp_path, *, product: str = "banking_credit_cards", more: str = "", table: str = UK_TABLE) -> str:
    """The loader's message for a one-dimension DISP-like return (the group mapping `product`)."""
    text = UK_HEAD + more + GROUP_DIMENSION.replace("VALUE", product) + table
    with pytest.raises(PolicyError) as err:
        load_pack(str(write(tmp_path, "inst.yaml", text)))
    return str(err.value)


def test_a_product_group_mapping_names_a_product_of_the_pack(tmp_path):
    text = uk_problem(tmp_path, product="banking_and_cards")
    assert "inst.yaml:3: returns: return 'disp', dimension 'group': ['banking_and_cards'] are not product codes" in text


def test_closed_when_names_a_clock_of_the_pack(tmp_path):
    text = uk_problem(tmp_path, more="    closed_when: final_reply\n")
    assert "closed_when 'final_reply' is not one of the clocks ['acknowledgement', 'final_response']" in text


def test_upheld_narrows_by_a_finding_of_responsibility_the_handlers_can_record(tmp_path):
    text = uk_problem(tmp_path, table="""
    tables:
      - code: t
        name: { zh-hans: 表, en: Table }
        rows: group
        columns:
          - { code: upheld, name: { zh-hans: 支持, en: Upheld }, measure: closed, where: { responsibility: [firm] } }
""")
    assert "where responsibility ['firm'] are not responsibility codes of this pack" in text
