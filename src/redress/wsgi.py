"""The WSGI application. `redress serve` serves `django_application` with waitress and
tells waitress which proxy to trust; any other WSGI server (gunicorn, uWSGI) serves
`application`, which does the same translation itself (redress.proxy). Either way the
process freezes what it loads once after its first requests (redress.web.long_lived)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redress.settings")
django_application = get_wsgi_application()

from redress import proxy  # noqa: E402 — needs the settings configured above
from redress.web import long_lived  # noqa: E402

long_lived.connect()  # a server's process only: not the tests', which import the settings alone

application = proxy.trusting(django_application)
