"""Forbidden reply phrases (001 第十七条; SPEC §7), found however they are spelt.

Both the text and the pack's phrases are brought to one form before they are compared:
traditional characters to simplified (OpenCC's dictionaries, shipped inside the
package), full-width letters and digits to half-width (NFKC), case folded, and spaces,
punctuation, symbols and invisible characters dropped. So 「不 可能」, 「這事情的責任不在我公司」
and "not  our fault" are caught as 「不可能」, 「这事情的责任不在我公司」 and "not our fault".

Each phrase also stands for its variants: the pack's `forbidden_phrase_variants` names
groups of interchangeable words (我公司 / 我司 / 本公司 / 本司 ..., 没有错 / 没错 ...), and a
phrase with one of them is also matched with every other member of its group, so
「我公司没有错」 catches 「我司没错」 too.

A hit keeps the text as the customer would read it (the original span) and the pack's
phrase it stands for; a person confirms the pack's phrase (or the span itself).
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from opencc import OpenCC

from redress.policy.schema import Pack

_T2S = OpenCC("t2s")


@dataclass(frozen=True)
class Hit:
    phrase: str  # the pack's phrase it stands for
    text: str  # what the customer would read: the span of the original text
    start: int
    end: int


def _dropped(ch: str) -> bool:
    # Punctuation, separators (spaces), symbols, control and format characters (zero
    # width spaces): none of them change what a phrase says.
    return unicodedata.category(ch)[0] in "PZSC"


# No entry of OpenCC's traditional→simplified dictionaries holds an ASCII character
# (tests/complaints/test_forbidden_phrases.py reads them), so no conversion spans one:
# the runs between ASCII characters are converted alone, the short ones once each (a
# reference number or a date between template words leaves the words' runs as they were).
# A conversion that changes the length falls back to character by character for its run
# only (for the whole text before): the other runs keep their phrase conversions.
_ASCII = re.compile(r"[\x00-\x7f]+")
CACHED_RUN = 64


def _simplified(chars: str) -> str:
    out, last = [], 0
    for ascii_run in _ASCII.finditer(chars):
        if ascii_run.start() > last:
            out.append(_run(chars[last:ascii_run.start()]))
        out.append(ascii_run.group())
        last = ascii_run.end()
    if last < len(chars):
        out.append(_run(chars[last:]))
    return "".join(out)


def _run(chars: str) -> str:
    return _kept_run(chars) if len(chars) <= CACHED_RUN else _convert(chars)


@functools.lru_cache(maxsize=8192)
def _kept_run(chars: str) -> str:
    return _convert(chars)


def _convert(chars: str) -> str:
    converted = _T2S.convert(chars)
    if len(converted) == len(chars):
        return converted
    # A phrase conversion changed the length: character by character keeps positions.
    return "".join(c if len(c := _T2S.convert(ch)) == 1 else ch for ch in chars)


CACHED_LINE = 400  # a line up to this long has its comparable form kept (_line)


def normalise_with_positions(text: str) -> tuple[str, list[int]]:
    """The comparable form of `text`, and for each of its characters the index of the
    original character it came from.

    Line by line: every step is per character except OpenCC's phrase conversion, and no
    phrase of its dictionaries holds a line break, so the lines' forms joined are the
    text's. The short lines' forms are kept (`_line`): a text written from a template (an
    acknowledgment, thousands a batch) differs from the last one in a line or two. The
    whole of the joined form is still searched, so a phrase in a substituted value, or
    across two lines, is found as before."""
    if "\n" not in text:
        return _line(text) if len(text) <= CACHED_LINE else _in_pieces(text)
    out, where, at = [], [], 0
    for line in text.split("\n"):
        flat, positions = _line(line) if len(line) <= CACHED_LINE else _in_pieces(line)
        out.append(flat)
        where += [at + i for i in positions] if at else positions
        at += len(line) + 1  # and the line break, dropped as any control character
    return "".join(out), where


@functools.lru_cache(maxsize=4096)
def _line(line: str) -> tuple[str, tuple[int, ...]]:
    flat, where = _in_pieces(line)
    return flat, tuple(where)


# A line not seen before (an acknowledgment's reference, due date and access code
# lines: new for every complaint) is taken in pieces, ASCII and not: every step is per
# character except the conversion, which never spans an ASCII character, and an ASCII
# character is its own NFKC form, so the pieces' forms joined are the line's (`_normalise`,
# the whole line at once, is what a test compares it with). The non-ASCII pieces of a
# template's line recur and are kept; an ASCII piece is folded from a table.
_PIECE = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]+")


def _in_pieces(line: str) -> tuple[str, list[int]]:
    out, where = [], []
    for piece in _PIECE.finditer(line):
        chars, at = piece.group(), piece.start()
        flat, positions = _ascii(chars) if chars[0] <= "\x7f" else _non_ascii(chars)
        out.append(flat)
        where.extend(map(at.__add__, positions))
    return "".join(out), where


def _non_ascii(chars: str) -> tuple[str, Iterable[int]]:
    return _kept_piece(chars) if len(chars) <= CACHED_RUN else _normalise(chars)


@functools.lru_cache(maxsize=8192)
def _kept_piece(chars: str) -> tuple[str, tuple[int, ...]]:
    flat, where = _normalise(chars)
    return flat, tuple(where)


def _ascii(chars: str) -> tuple[str, Iterable[int]]:
    raw = chars.encode("ascii")
    flat = _ascii_form(raw)
    if len(flat) == len(chars):  # nothing dropped: each character its own position
        return flat, range(len(chars))
    return flat, itertools.compress(range(len(chars)), raw.translate(_ASCII_KEPT))


def _ascii_form(raw: bytes) -> str:
    return raw.translate(_ASCII_LOWER, _ASCII_DROPPED).decode("ascii")


def _normalise(text: str) -> tuple[str, list[int]]:
    chars, origin = [], []
    for i, ch in enumerate(text):
        for n in _width(ch):
            chars.append(n)
            origin.append(i)
    simplified = _simplified("".join(chars))
    out, where = [], []
    for n, i in zip(simplified, origin, strict=True):
        for f in _folded(n):
            out.append(f)
            where.append(i)
    return "".join(out), where


# Per character, so kept per character: a text has a few hundred different ones at most.
@functools.lru_cache(maxsize=65536)
def _width(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch)


@functools.lru_cache(maxsize=65536)
def _folded(ch: str) -> str:
    """The character case folded, without what does not change what a phrase says."""
    return "".join(f for f in ch.casefold() if not _dropped(f))


# Each ASCII character's comparable form, as `_folded` gives it (a letter in lower case,
# a digit itself, punctuation, spaces and control characters nothing): one character or none.
# As byte tables for `bytes.translate`: the folded byte, the bytes dropped, and 1 for a kept one.
_ASCII_FOLDED = {c: _folded(chr(c)) for c in range(128)}
assert all(len(f) <= 1 for f in _ASCII_FOLDED.values())
_ASCII_LOWER = bytes((ord(_ASCII_FOLDED[c]) if _ASCII_FOLDED[c] else c) for c in range(128)) + bytes(range(128, 256))
_ASCII_DROPPED = bytes(c for c in range(128) if not _ASCII_FOLDED[c])
_ASCII_KEPT = bytes(int(bool(_ASCII_FOLDED[c])) for c in range(128)) + bytes(128)


def normalise(text: str) -> str:
    """The comparable form of `text` alone: what normalise_with_positions gives first,
    without the positions, which only a text with a phrase in it needs (`occurrences`).
    Most texts checked hold none: an acknowledgment, thousands a batch."""
    return "".join(_line_flat(line) if len(line) <= CACHED_LINE else _flat_pieces(line)
                   for line in text.split("\n"))


@functools.lru_cache(maxsize=4096)
def _line_flat(line: str) -> str:
    return _flat_pieces(line)


def _flat_pieces(line: str) -> str:
    """_in_pieces' form without its positions."""
    return "".join(_ascii_form(chars.encode("ascii")) if chars[0] <= "\x7f" else _non_ascii(chars)[0]
                   for chars in _PIECE.findall(line))


def expand(phrase: str, groups: list[list[str]]) -> set[str]:
    """`phrase` with each word of a variant group replaced by every member of its group."""
    members = {m: group for group in groups for m in group}
    if not members:
        return {phrase}
    word = re.compile("|".join(re.escape(m) for m in sorted(members, key=len, reverse=True)))
    pieces: list[list[str]] = []
    last = 0
    for hit in word.finditer(phrase):
        pieces += [[phrase[last:hit.start()]], members[hit.group()]]
        last = hit.end()
    pieces.append([phrase[last:]])
    return {"".join(choice) for choice in itertools.product(*pieces)}


def variant_groups(pack: Pack) -> list[list[str]]:
    return [[word, *others] for word, others in pack.forbidden_phrase_variants.items()]


@functools.lru_cache(maxsize=16)
def _matcher(phrases: tuple[str, ...], groups: tuple[tuple[str, ...], ...]) -> tuple[re.Pattern | None, dict]:
    norm_groups = [[normalise(m) for m in g] for g in groups]
    stands_for: dict[str, str] = {}
    for phrase in phrases:
        for variant in expand(normalise(phrase), norm_groups):
            if variant:
                stands_for.setdefault(variant, phrase)
    if not stands_for:
        return None, {}
    # Longest first: at any position the whole phrase wins over a fragment of it.
    pattern = re.compile("|".join(re.escape(v) for v in sorted(stands_for, key=len, reverse=True)))
    return pattern, stands_for


def policy_phrases(pack: Pack) -> list[str]:
    """The pack's phrases, every language, each once: what a person confirms."""
    return list(dict.fromkeys(p for plist in pack.forbidden_phrases.values() for p in plist if p))


def _pack_matcher(pack: Pack):
    return _matcher(tuple(policy_phrases(pack)), tuple(tuple(g) for g in variant_groups(pack)))


def occurrences(pack: Pack, text: str) -> list[Hit]:
    """Every forbidden phrase in `text`, in the order they appear."""
    pattern, stands_for = _pack_matcher(pack)
    if pattern is None or not text:
        return []
    if pattern.search(normalise(text)) is None:
        return []
    flat, where = normalise_with_positions(text)
    hits = []
    for m in pattern.finditer(flat):
        start, end = where[m.start()], where[m.end() - 1] + 1
        hits.append(Hit(phrase=stands_for[m.group()], text=text[start:end], start=start, end=end))
    return hits


def found(pack: Pack, text: str) -> list[Hit]:
    """The forbidden phrases in `text`, each once (its first occurrence)."""
    seen: dict[str, Hit] = {}
    for hit in occurrences(pack, text):
        seen.setdefault(hit.phrase, hit)
    return list(seen.values())


def is_confirmed(hit: Hit, confirmed: list[str] | None) -> bool:
    """A person confirms the pack's phrase, or the words as they wrote them."""
    wanted = {normalise(c) for c in confirmed or []}
    return normalise(hit.phrase) in wanted or normalise(hit.text) in wanted
