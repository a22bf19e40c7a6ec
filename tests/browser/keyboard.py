"""Working a page without a mouse (issue 12 item 10): Tab to a control the way a person
does, and check that wherever the focus lands it can be seen."""

from __future__ import annotations

# The focused element's own ring: an outline drawn (Chromium's default focus ring is
# outline-style "auto") or the box-shadow the stylesheet draws instead.
_FOCUS_SEEN = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return true;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  return outline || s.boxShadow !== 'none';
}"""

_DESCRIBE = """() => {
  const el = document.activeElement;
  if (!el) return '';
  const s = getComputedStyle(el);
  return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} “${(el.innerText || el.name || '').trim().slice(0, 30)}”`
    + ` (outline ${s.outlineStyle} ${s.outlineWidth}, shadow ${s.boxShadow}, :focus ${el.matches(':focus')})`;
}"""


def focus_is_visible(page) -> bool:
    return page.evaluate(_FOCUS_SEEN)


def tab_to(page, target, *, limit: int = 150) -> list[str]:
    """Press Tab until `target` has the focus (failing after `limit` presses); every stop
    on the way must show its focus. Returns the stops, for a message."""
    stops, unseen = [], []
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            assert not unseen, f"focus not visible on: {unseen}"
            return stops
        page.keyboard.press("Tab")
        stop = page.evaluate(_DESCRIBE)
        stops.append(stop)
        if not focus_is_visible(page):
            unseen.append(stop)
    raise AssertionError(f"Tab never reached the control after {limit} presses; it went {stops[-15:]}")
