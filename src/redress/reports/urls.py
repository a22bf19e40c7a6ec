"""/register/: the complaint register, its export and each complaint's record sheet."""

from django.urls import path

from redress.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.register_page, name="register"),
    path("export/", views.register_export, name="export"),
    path("<str:reference>/sheet/", views.record_sheet, name="sheet"),
]
