"""The institution's name for the portal's header, in the page's language: the customer
must see whose complaints service they are writing to."""

from django import template

from redress.web.auth.views import institution_name as _institution_name

register = template.Library()


@register.simple_tag
def institution_name() -> str:
    return _institution_name()
