"""Links that keep a list page's filters: the worklists and the register build their
sort, page and export links the same way."""

from __future__ import annotations

from django.http import QueryDict


def link(params: QueryDict, **changes) -> str:
    """The current query string with some keys changed (None or "" removes one)."""
    q = params.copy()
    for key, value in changes.items():
        q.pop(key, None)
        if value not in (None, ""):
            q[key] = str(value)
    return "?" + q.urlencode() if q else "?"


# Leaving a page position behind: a new sort, filter or tab starts at the first page.
FIRST_PAGE = {"after": None, "before": None, "page": None}


def page_links(params: QueryDict, page) -> dict[str, str]:
    """First, previous and next links of a keyset-paged list (selectors/keyset.py): next
    and previous carry the position of the row they continue from; the page number
    rides along only to be shown."""
    first = link(params, **FIRST_PAGE)
    links = {"first_url": first if page.number > 2 else "", "previous_url": "", "next_url": ""}
    if page.has_previous:
        links["previous_url"] = (first if page.number <= 2 or not page.previous_cursor else
                                 link(params, before=page.previous_cursor, after=None, page=page.number - 1))
    if page.has_next:
        links["next_url"] = link(params, after=page.next_cursor, before=None, page=page.number + 1)
    return links
