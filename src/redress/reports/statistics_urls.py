"""/statistics/: period statistics and their xlsx."""

from django.urls import path

from redress.reports import statistics_views as views

app_name = "statistics"
urlpatterns = [
    path("", views.statistics_page, name="page"),
    path("export/", views.statistics_export, name="export"),
]
