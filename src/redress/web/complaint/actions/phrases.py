"""The forbidden-phrase warning (001 第十七条): the text with each phrase marked where it
is, however it is spelt, so the writer sees what the customer would read."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from redress.complaints import phrases
from redress.policy.schema import Pack


@dataclass(frozen=True)
class PhraseWarning:
    marked: SafeString  # the text, escaped, with <mark> around each phrase
    found: list[phrases.Hit]  # every forbidden phrase in the text (its first occurrence)
    unconfirmed: list[str]  # the policy's phrases the writer has not confirmed yet

    def __bool__(self) -> bool:
        return bool(self.found)


def mark(text: str, hits: list[phrases.Hit]) -> SafeString:
    out, last = [], 0
    for hit in hits:
        out += [escape(text[last:hit.start]), "<mark>", escape(text[hit.start:hit.end]), "</mark>"]
        last = hit.end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def warning(pack: Pack, text: str, unconfirmed: list[str] | None = None) -> PhraseWarning:
    """`unconfirmed`: the phrases the service refused; None: all of them (while typing)."""
    found = phrases.found(pack, text)
    refused = [h.phrase for h in found] if unconfirmed is None else unconfirmed
    return PhraseWarning(marked=mark(text, phrases.occurrences(pack, text)), found=found,
                         unconfirmed=[h.phrase for h in found if h.phrase in refused])
