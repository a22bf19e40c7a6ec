"""Django strings its own zh_Hans catalogue misses, translated in ours.

Django 5.2's MinimumLengthValidator asks for "... at least %d character(s)." while
Django's zh_Hans catalogue only has the older "%(min_length)d" wording, so that one
rule came out in English on a Chinese page. Listing the msgid here lets makemessages
put it in this area's catalogue (LOCALE_PATHS win over Django's own). Never rendered
from here: the validator looks the text up itself.
"""

from django.utils.translation import ngettext_lazy

MISSING_FROM_DJANGO = (
    ngettext_lazy("This password is too short. It must contain at least %d character.",
                  "This password is too short. It must contain at least %d characters.", "n"),
)
