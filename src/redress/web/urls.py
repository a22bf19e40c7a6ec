"""Every workbench URL, by area. Names are namespaced: `web:intake:new`, ..."""

from django.urls import include, path

app_name = "web"
urlpatterns = [
    path("", include(("redress.web.dashboard.urls", "dashboard"))),
    path("", include(("redress.web.auth.urls", "auth"))),
    path("cases/", include(("redress.web.worklists.urls", "worklists"))),
    path("complaints/", include(("redress.web.complaint.urls", "complaint"))),
    path("intake/", include(("redress.web.intake.urls", "intake"))),
    path("policy/", include(("redress.web.policyview.urls", "policyview"))),
    path("mail-quarantine/", include(("redress.web.quarantine.urls", "quarantine"))),
    path("inbox/", include(("redress.web.inbox.urls", "inbox"))),
]
