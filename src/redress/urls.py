from django.contrib import admin
from django.urls import include, path

from redress.web.auth.views import admin_login

urlpatterns = [
    # One sign-in page for everyone, so the failed-login throttle (web.auth) cannot be
    # bypassed through the admin's own login form.
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("redress.api.urls")),
    path("portal/", include("redress.portal.urls")),
    path("register/", include("redress.reports.urls")),  # the complaint register (台账), its export, record sheets
    path("warnings/", include("redress.earlywarning.urls")),  # early warnings (预警)
    path("returns/", include("redress.reports.returns.urls")),  # regulator returns
    path("statistics/", include("redress.reports.statistics_urls")),  # period statistics (issue 11 item 2)
    path("", include("redress.web.urls")),
]

# Under /api/ these answer in the API's JSON error shape; elsewhere Django's own pages.
handler404 = "redress.api.errors.not_found"
handler500 = "redress.api.errors.server_error"
