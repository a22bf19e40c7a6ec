from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

urlpatterns = [
    path("admin/", admin.site.urls),
    # Until the staff workbench exists, the front door is the administration site.
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]
