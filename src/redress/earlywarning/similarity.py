"""How alike two complaints' words are: the Jaccard similarity of the character bigrams
of their subject and cause, after the same folding the forbidden phrases get
(phrases.normalise: full-width, traditional to simplified, case, no spaces or
punctuation). Chinese has no spaces between words, and two characters are the
commonest word length, so bigrams compare Chinese text without a word segmenter; for
English they compare spelling, which is enough for "the same letter sent by many".
Explainable: "62% of their two-character pieces are shared"."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from redress.complaints.phrases import normalise

# A bigram in more than this share of the texts compared (而且, 我的, the) says nothing
# about which are alike; it is left out of the search for candidate pairs (never out
# of the similarity itself), so the search does not compare every text with every other.
COMMON_SHARE = 0.2


def bigrams(*texts: str) -> frozenset[str]:
    folded = "".join(normalise(t or "") for t in texts)
    if len(folded) == 1:
        return frozenset({folded})
    return frozenset(folded[i:i + 2] for i in range(len(folded) - 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def similar_pairs(items: dict[int, frozenset[str]], threshold: float) -> Iterable[tuple[int, int]]:
    """The pairs of ids whose bigram sets are at least `threshold` alike. Candidates are
    the pairs sharing an uncommon bigram (an inverted index), each then measured."""
    if len(items) < 2:
        return
    postings: dict[str, list[int]] = defaultdict(list)
    for pk, grams in items.items():
        for gram in grams:
            postings[gram].append(pk)
    cap = max(2, int(len(items) * COMMON_SHARE))
    shared: Counter[tuple[int, int]] = Counter()
    for ids in postings.values():
        if len(ids) > cap:
            continue
        ids.sort()
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                shared[(a, b)] += 1
    for (a, b) in shared:
        if jaccard(items[a], items[b]) >= threshold:
            yield a, b


def clusters(items: dict[int, frozenset[str]], threshold: float) -> list[list[int]]:
    """Groups of ids joined by similar pairs (single linkage), each sorted, groups of two
    or more only."""
    parent = {pk: pk for pk in items}

    def root(pk: int) -> int:
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    for a, b in similar_pairs(items, threshold):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = defaultdict(list)
    for pk in items:
        groups[root(pk)].append(pk)
    return [sorted(g) for g in groups.values() if len(g) > 1]
