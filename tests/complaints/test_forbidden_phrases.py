"""Forbidden phrases (001 第十七条) cannot be dodged: they are found however they are
spelt, with the variants the pack lists, in every text that reaches the customer; a
person may still confirm one, and that is recorded."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from django.utils import translation

from redress.complaints import phrases
from redress.complaints import services as svc
from redress.complaints.ledger import EventType as E
from redress.complaints.lifecycle import State
from redress.complaints.models import Event
from redress.complaints.timesource import frozen
from redress.notify import texts
from redress.policy.loader import load_pack
from tests.conftest import at, complaint_input

NOW = at(2026, 3, 2)
PACKS = ["cn-securities", "cn-futures", "general", "us-broker", "uk-fca"]


@pytest.fixture(scope="module")
def pack():
    return load_pack("cn-securities")


@pytest.mark.parametrize(("text", "phrase", "span"), [
    ("这 不 可能 出错", "不可能", "不 可能"),  # spaces
    ("這事情的責任不在我公司", "这事情的责任不在我公司", "這事情的責任不在我公司"),  # traditional
    ("经核实,我司没有错。", "我公司没有错", "我司没有错"),  # 我司 for 我公司
    ("经核实,责任不在本公司。", "责任不在我公司", "责任不在本公司"),  # 本公司
    ("我公司没错,请理解", "我公司没有错", "我公司没错"),  # 没错 for 没有错
    ("不，可能吗", "不可能", "不，可能"),  # punctuation
    ("不\u200b可能", "不可能", "不\u200b可能"),  # an invisible space
    ("That is NOT  our fault.", "not our fault", "NOT  our fault"),  # case and spacing
    ("ＩＭＰＯＳＳＩＢＬＥ", "impossible", "ＩＭＰＯＳＳＩＢＬＥ"),  # full width
    ("不会有那样的事", "不会有这样的事", "不会有那样的事"),  # 这样 / 那样
])
def test_each_dodge_is_caught_as_the_policy_phrase(pack, text, phrase, span):
    hits = phrases.found(pack, text)
    assert [(h.phrase, h.text) for h in hits] == [(phrase, span)]


@pytest.mark.parametrize("text", [
    "我们不可以透露他人信息",  # 不可 is not 不可能
    "贵公司的系统出错了,我司将在五个工作日内答复",  # the customer's word, and 我司 alone
    "可能需要三个工作日,不便之处敬请谅解",
    "We will reply by Friday; it is possible the exchange rejected the order.",
])
def test_ordinary_replies_are_not_flagged(pack, text):
    assert phrases.found(pack, text) == []


def test_the_longer_phrase_is_reported_not_the_fragment_inside_it(pack):
    hits = phrases.found(pack, "這事情的責任不在本公司，不可能")
    assert [h.phrase for h in hits] == ["这事情的责任不在我公司", "不可能"]


def test_every_shipped_pack_catches_the_five_dodges_of_the_issue():
    for code in PACKS:
        pack = load_pack(code)
        for text in ("不 可能", "這事情的責任不在我公司", "我司没有错", "责任不在本公司", "我公司没错"):
            assert phrases.found(pack, text), (code, text)


@pytest.mark.parametrize("code", PACKS)
def test_generated_texts_to_the_customer_are_clean_in_every_pack_and_language(code):
    # The acknowledgment, redirect and referral texts are ours: they must never trip the
    # check (the person could not rephrase them).
    pack = load_pack(code)
    for language in ("zh-hans", "en"):
        assert phrases.found(pack, texts.acknowledgment(pack=pack, reference="X-2026-000001", language=language,
                                                       due=NOW, tz=NOW.tzinfo)) == []
        for a in pack.authorities:
            name = a.name.get(language)
            assert phrases.found(pack, texts.redirect(authority_name=name, contact=a.contact, language=language)) == []
            assert phrases.found(pack, texts.referral_guidance(authority_name=name, contact=a.contact,
                                                               language=language)) == []


def payload(c) -> dict:
    return json.loads(Event.objects.filter(complaint=c).latest("seq").payload)


def received(org, **data):
    with frozen(NOW):
        return svc.complaint_receive(actor=org.intake, data=complaint_input(**data))


def test_inquiry_answer_is_checked_and_nothing_is_written_until_confirmed(org):
    c = received(org, kind="inquiry", subject="融资融券开户条件")
    with frozen(NOW), pytest.raises(svc.ForbiddenPhrases) as err:
        svc.inquiry_answer(c, actor=org.intake, answer="资产不足50万元,開戶不 可能。")
    assert err.value.field == "answer" and err.value.phrases == ["不可能"]
    assert err.value.as_dict()["matched"] == [{"phrase": "不可能", "text": "不 可能"}]
    assert "「不 可能」(「不可能」)" in err.value.message
    c.refresh_from_db()
    assert c.state == State.RECEIVED and not c.communications.exists()
    with frozen(NOW):
        svc.inquiry_answer(c, actor=org.intake, answer="资产不足50万元,開戶不 可能。", confirm_phrases=["不可能"])
    assert c.state == State.CLOSED_INQUIRY
    assert c.communications.get(kind="inquiry_answer").forbidden_phrases_confirmed == ["不可能"]
    assert payload(c)["forbidden_confirmed"] == ["不可能"]


def test_redirect_note_is_checked(org):
    c = received(org, subject="银行理财亏损")
    with frozen(NOW), pytest.raises(svc.ForbiddenPhrases) as err:
        svc.complaint_redirect(c, actor=org.intake, authority="police", note="此事责任不在本公司。")
    assert err.value.field == "note" and err.value.phrases == ["责任不在我公司"]
    c.refresh_from_db()
    assert c.state == State.RECEIVED
    with frozen(NOW):
        svc.complaint_redirect(c, actor=org.intake, authority="police", note="此事责任不在本公司。",
                               confirm_phrases=["责任不在本公司"])  # the words as written confirm it too
    assert c.state == State.REDIRECTED
    assert payload(c)["forbidden_confirmed"] == ["责任不在我公司"]


def test_referral_guidance_is_checked(org, walk):
    w = walk().assess().dispatch().accept()
    with frozen(at(2026, 3, 5)), pytest.raises(svc.ForbiddenPhrases) as err:
        svc.complaint_refer(w.c, actor=org.handler, kind="mediation", authority="sac_mediation",
                            note="我司没错,请走调解。")
    assert err.value.field == "note" and err.value.phrases == ["我公司没有错"]
    w.c.refresh_from_db()
    assert w.c.state != State.REFERRED and not w.c.communications.filter(kind="redirect").exists()
    with frozen(at(2026, 3, 5)):
        svc.complaint_refer(w.c, actor=org.handler, kind="mediation", authority="sac_mediation",
                            note="我司没错,请走调解。", confirm_phrases=["我公司没有错"])
    assert w.c.state == State.REFERRED and payload(w.c)["forbidden_confirmed"] == ["我公司没有错"]


def test_resolution_told_on_the_spot_is_checked(org):
    c = received(org)
    with frozen(NOW), pytest.raises(svc.ForbiddenPhrases) as err:
        svc.resolve_on_spot(c, actor=org.intake, resolution="告知客户系统不会有这种事", customer_opinion="满意")
    assert err.value.field == "resolution"
    with frozen(NOW):
        svc.resolve_on_spot(c, actor=org.intake, resolution="当场解释委托规则", customer_opinion="满意")
    assert c.state == State.RESOLVED_ON_SPOT and payload(c)["forbidden_confirmed"] == []


def test_a_confirmed_result_records_the_phrase_as_before(org, walk):
    w = walk().assess().dispatch().accept().propose().approve()
    body = "经核实,這事情的責任不在我公司。依据交易规则第3.3条。"
    with frozen(at(2026, 3, 3)):
        with pytest.raises(svc.ForbiddenPhrases):
            svc.result_communicate(w.c, actor=org.handler, channel="phone", body=body)
        svc.result_communicate(w.c, actor=org.handler, channel="phone", body=body,
                               confirm_phrases=["这事情的责任不在我公司"])
    assert [e.type for e in w.c.events.order_by("seq")][-1] == E.RESULT_COMMUNICATED
    assert payload(w.c)["forbidden_confirmed"] == ["这事情的责任不在我公司"]


# Texts written from a template (an acknowledgment, a redirect: thousands in a bulk
# batch) differ from one another in a line or two, so each line's comparable form is
# kept (phrases._line). What varies must still be searched, with its neighbours.

def test_a_phrase_in_the_value_put_into_a_template_is_caught_after_the_template_was_seen(pack):
    clean = texts.redirect(authority_name="中国证监会", contact="12386", language="zh-hans", note="请保留凭证。")
    assert phrases.found(pack, clean) == []  # its lines are now kept
    told = texts.redirect(authority_name="中国证监会", contact="12386", language="zh-hans",
                          note="此事責任不在本公司。")  # what the sender typed into the letter
    hits = phrases.found(pack, told)
    assert [(h.phrase, h.text) for h in hits] == [("责任不在我公司", "責任不在本公司")]
    assert told[hits[0].start:hits[0].end] == "責任不在本公司"  # where the customer reads it


def test_a_phrase_across_a_line_break_is_caught_whichever_line_was_seen_before(pack):
    first = "我们已核实您反映的情况,这\n事情的责任不在我公司"
    assert phrases.found(pack, first.split("\n")[0]) == []  # the first line alone is clean, and kept
    hits = phrases.found(pack, first)
    assert [(h.phrase, h.text) for h in hits] == [("这事情的责任不在我公司", "这\n事情的责任不在我公司")]


def test_line_by_line_gives_the_form_and_positions_of_the_whole_text(pack):
    long_line = "账户冻结" * (phrases.CACHED_LINE // 4 + 1)  # longer than a kept line
    for text in ["這事情的責任\n不在我公司", "ＮＯＴ\n our\r\nfault", "\n\n不 可能\n", long_line + "\n不可能",
                 texts.acknowledgment(pack=pack, reference="X-2026-000001", language="zh-hans", due=NOW,
                                      tz=NOW.tzinfo, access_code="AB12-CD34")]:
        flat, where = phrases.normalise_with_positions(text)
        flat_whole, where_whole = phrases._normalise(text)
        assert (flat, list(where)) == (flat_whole, where_whole)
        assert phrases.normalise(text) == flat_whole  # the form alone, as a clean text is checked


def test_a_line_taken_in_pieces_reads_as_the_whole_line():
    # A line not seen before is normalised a piece at a time, ASCII and not
    # (phrases._in_pieces); every mix of what each step changes must come out as whole.
    alphabet = list("aZ09 ,.:-_()!?~$\t\x00\x7f") + list("這事情的責任不在我公司，：。ＡＢ１２㎏ﬁ\u3000\u200b髮後臺乾")
    rnd = random.Random(28)
    lines = ["".join(rnd.choice(alphabet) for _ in range(rnd.randrange(1, 90))) for _ in range(3000)]
    lines += ["受理编号:X-2026-000001。", "您的查询码:AB12-CD34。凭受理编号和查询码", "ＮＯＴ our fault", "a" * 100]
    for line in lines:
        flat, where = phrases._in_pieces(line)
        assert (flat, list(where)) == phrases._normalise(line), line
        assert phrases._flat_pieces(line) == flat, line


def test_no_traditional_to_simplified_conversion_holds_an_ascii_character():
    # Why the text is converted run by run between ASCII characters (phrases._simplified).
    import opencc

    folder = Path(opencc.__file__).parent
    for name in json.loads((folder / "config" / "t2s.json").read_text())["conversion_chain"][0]["dict"]["dicts"]:
        for line in (folder / "dictionary" / name["file"]).read_text(encoding="utf-8").splitlines():
            key = line.split("\t")[0]
            assert not any(ch.isascii() for ch in key), (name["file"], line)


def test_a_run_converted_alone_reads_as_in_the_whole_text(pack):
    # 「這事情」 between ASCII: each run is converted as OpenCC converts the whole.
    for text in ["REF-2026-000001 這事情的責任不在我公司 2026-03-02", "a這b事c情", "投訴編號:X-1。這"]:
        assert phrases._simplified(text) == phrases._T2S.convert(text)


def test_the_refusal_names_the_field_quotes_each_phrase_as_written_and_cites_the_rule(pack):
    """What the sender reads and what the API returns: the field, every phrase found (as
    written, with the policy's spelling beside it when they differ, in the order written),
    the rule, and what to do."""
    hits = phrases.found(pack, "这 不 可能,我公司没有错")
    with translation.override("zh-hans"):
        err = svc.ForbiddenPhrases(hits)
    assert err.field == "body"
    assert err.message == ("body: 文本含有禁止使用的用语 「不 可能」(「不可能」)、「我公司没有错」"
                           "(001 第十七条);请改写,或逐一确认后发送")
    assert err.as_dict() == {
        "code": "forbidden_phrases", "message": err.message, "field": "body",
        "phrases": ["不可能", "我公司没有错"],
        "matched": [{"phrase": "不可能", "text": "不 可能"}, {"phrase": "我公司没有错", "text": "我公司没有错"}]}
    with translation.override("en"):
        err = svc.ForbiddenPhrases(hits[:1], field="answer")
    assert err.message == ("answer: the text contains forbidden phrases 「不 可能」(「不可能」) (001 第十七条); "
                           "rephrase it, or confirm each phrase")
