"""The message an early warning sends through the outbox (notify/dispatch.py): its
sentence in Chinese and in English (one message goes to everyone holding a role, and
the workbench is bilingual), and where to acknowledge it. No personal data."""

from __future__ import annotations

from django.utils import translation

from redress.earlywarning.models import EarlyWarning
from redress.earlywarning.sentences import why

LANGUAGES = ("zh-hans", "en")


def subject(warning_id: int) -> str:
    warning = EarlyWarning.objects.get(pk=warning_id)
    parts = []
    for language in LANGUAGES:
        with translation.override(language):
            parts.append(str(warning.get_kind_display()))
    return f"[Redress] 预警 Early warning: {' / '.join(parts)}"


def body(warning_id: int) -> str:
    warning = EarlyWarning.objects.get(pk=warning_id)
    lines = []
    for language in LANGUAGES:
        with translation.override(language):
            lines.append(why(warning))
    lines.append(f"/warnings/{warning.pk}/")
    return "\n\n".join(lines)
