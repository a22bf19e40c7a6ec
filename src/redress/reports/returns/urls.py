"""/returns/: regulator returns, their production and the recorded files."""

from django.urls import path

from redress.reports.returns import views

app_name = "returns"
urlpatterns = [
    path("", views.returns_page, name="list"),
    path("produce/", views.produce, name="produce"),
    path("<int:pk>.<str:fmt>", views.download, name="file"),
]
