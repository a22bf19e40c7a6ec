"""The forbidden-phrase warning (001 第十七条): the text with each phrase marked, so the
writer sees where it is."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class PhraseWarning:
    marked: SafeString  # the text, escaped, with <mark> around each phrase
    found: list[str]  # every forbidden phrase in the text
    unconfirmed: list[str]  # those the writer has not confirmed yet

    def __bool__(self) -> bool:
        return bool(self.found)


def mark(text: str, found: list[str]) -> SafeString:
    if not found:
        return mark_safe(escape(text))
    pattern = re.compile("|".join(re.escape(p) for p in sorted(found, key=len, reverse=True)), re.IGNORECASE)
    out, last = [], 0
    for hit in pattern.finditer(text):
        out += [escape(text[last:hit.start()]), "<mark>", escape(hit.group()), "</mark>"]
        last = hit.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def warning(text: str, found: list[str], unconfirmed: list[str]) -> PhraseWarning:
    return PhraseWarning(marked=mark(text, found), found=found, unconfirmed=[p for p in found if p in unconfirmed])
