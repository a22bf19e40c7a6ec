"""Real complaint texts for the request bodies: Chinese consumer-finance complaints and
CFPB narratives from shared/data, read at run time (never copied into the repository),
alternating so each system gets the same mix of both languages."""

from __future__ import annotations

import csv
import itertools
import random
from pathlib import Path

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
ZH = DATA / "zh" / "complaints_train.csv"
EN = DATA / "cfpb" / "complaints_sample.csv"
MAX_TEXT = 4000  # a long narrative is realistic; a 20,000-character one is rare at a call centre

csv.field_size_limit(10_000_000)


def _column(path: Path, column: str, limit: int) -> list[str]:
    with path.open(newline="", encoding="utf-8") as f:
        rows = (r[column].strip() for r in csv.DictReader(f))
        return [t[:MAX_TEXT] for t in itertools.islice((t for t in rows if len(t) >= 20), limit)]


def texts(limit: int = 2000, seed: int = 11) -> list[tuple[str, str]]:
    """(language, text) pairs, Chinese and English alternating, shuffled reproducibly."""
    zh = _column(ZH, "text", limit)
    en = _column(EN, "narrative", limit)
    rng = random.Random(seed)
    rng.shuffle(zh)
    rng.shuffle(en)
    pairs = [("zh-hans", t) for t in zh[: limit // 2]] + [("en", t) for t in en[: limit - limit // 2]]
    rng.shuffle(pairs)
    return pairs


def subject(text: str) -> str:
    first = text.replace("\n", " ").split("。")[0].split(". ")[0]
    return (first[:60] or text[:60]).strip()


CHANNELS = ("phone", "web", "app")
ZH_NAMES = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强")
EN_NAMES = ("Mary Johnson", "James Smith", "Linda Brown", "Robert Davis", "Patricia Miller")


def complaint_body(i: int, language: str, text: str, marker: str) -> dict:
    """A POST /api/complaints body; `marker` goes into external_reference."""
    names = ZH_NAMES if language == "zh-hans" else EN_NAMES
    return {
        "customer": {"name": names[i % len(names)], "phone": f"1380000{i % 10000:04d}",
                     "language": language},
        "channel": CHANNELS[i % len(CHANNELS)],
        "subject": subject(text),
        "cause": text,
        "request": "请核实并退还相关费用" if language == "zh-hans" else "Please investigate and refund the fees",
        "external_reference": marker,
    }


def ticket_body(i: int, queue_id: int, text: str, marker: str) -> dict:
    """A POST /helpdesk/api/tickets/ body; `marker` starts the title. The submitter's
    address makes helpdesk build its 'new ticket' e-mail to the submitter."""
    return {
        "queue": queue_id,
        "title": f"[{marker}] {subject(text)}"[:200],
        "description": text,
        "submitter_email": f"customer{i % 10000}@bench.example",
        "priority": 3,
    }
