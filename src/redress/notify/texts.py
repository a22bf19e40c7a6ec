"""Texts sent to complainants, in their language. Kept here as plain functions so the
acknowledgment says exactly what 002 §二(一) requires: reference number, process,
time limit and rights."""

from __future__ import annotations

from datetime import datetime

from redress.policy.schema import Pack


def acknowledgment(*, pack: Pack, reference: str, language: str, due: datetime | None, tz,
                   access_code: str = "") -> str:
    """`access_code`: the complainant's portal code (or its masked form, for the copy
    kept on the case), which the promise to answer "with your reference number" needs."""
    due_text = due.astimezone(tz).strftime("%Y-%m-%d") if due else ""
    mediation = [a.name.get(language) for a in pack.authorities if a.code.endswith("mediation")]
    if language.startswith("en"):
        lines = [
            f"We have registered your complaint. Reference number: {reference}.",
            "What happens next: we look into what happened, the responsible department contacts you, "
            "and we tell you the result with the facts, the basis and any remedy, and ask for your opinion.",
        ]
        if due_text:
            lines.append(f"We will tell you the result by {due_text}. If we need longer we will tell you why.")
        if access_code:
            lines.append(f"Your access code: {access_code}. With it and your reference number you can follow "
                         "your complaint and add information on our complaints portal. Keep it private.")
        if pack.referral_notice is not None:  # the body the pack names (the ombudsman), not ours
            lines.append("Your rights: you may add information at any time and ask about progress with "
                         "your reference number.")
            lines.append(pack.referral_notice.en)
            return "\n".join(lines)
        lines.append(
            "Your rights: you may add information at any time, ask about progress with your reference "
            "number, and if we cannot settle the matter you may seek mediation"
            + (f" ({', '.join(mediation)})" if mediation else "")
            + ", arbitration or a court."
        )
        return "\n".join(lines)
    lines = [
        f"您的投诉已登记受理,受理编号:{reference}。",
        "处理流程:我们将调查核实,由责任部门与您联系,并将处理结果(事实认定、依据及补救措施)告知您,听取您的意见。",
    ]
    if due_text:
        lines.append(f"我们将于{due_text}前告知处理结果;如需延长,将向您说明原因。")
    if access_code:
        lines.append(f"您的查询码:{access_code}。凭受理编号和查询码,可在我司投诉服务页面查询进度、补充材料;请妥善保管,勿告知他人。")
    if pack.referral_notice is not None:
        lines.append("您的权利:您可随时补充材料,凭受理编号查询进度。")
        lines.append(pack.referral_notice.zh_hans)
        return "\n".join(lines)
    lines.append(
        "您的权利:您可随时补充材料,凭受理编号查询进度;如协商未果,可申请调解"
        + (f"({'、'.join(mediation)})" if mediation else "")
        + "、仲裁或向人民法院提起诉讼。"
    )
    return "\n".join(lines)


def redirect(*, authority_name: str, contact: str, language: str, note: str = "") -> str:
    if language.startswith("en"):
        text = f"This matter is outside what we can handle. The competent body is {authority_name}"
        text += f" (contact: {contact})." if contact else "."
    else:
        text = f"该事项不属于我司受理范围,请向{authority_name}反映"
        text += f"(联系方式:{contact})。" if contact else "。"
    return f"{text}\n{note}".strip()


def referral_guidance(*, authority_name: str, contact: str, language: str) -> str:
    """001 第十九条: when a dispute cannot be settled, guide the customer to a lawful route."""
    if language.startswith("en"):
        return (f"As we could not reach agreement, you may take the dispute to {authority_name}"
                + (f" (contact: {contact})" if contact else "") + ".")
    return f"双方未能达成一致,您可以向{authority_name}" + (f"(联系方式:{contact})" if contact else "") + "申请处理。"


def with_referral_notice(body: str, *, pack: Pack, language: str) -> str:
    """A final response or summary resolution as sent: the text written, then the pack's
    referral notice (DISP 1.6.2R: where to go next, and by when) unless the writer
    already quoted it whole."""
    if pack.referral_notice is None:
        return body
    notice = pack.referral_notice.get(language)
    return body if notice in body else f"{body.rstrip()}\n\n{notice}"
