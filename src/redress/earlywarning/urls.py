"""/warnings/: early warnings (预警) and their acknowledgment."""

from django.urls import path

from redress.earlywarning import views

app_name = "earlywarning"
urlpatterns = [
    path("", views.warning_list, name="list"),
    path("<int:pk>/", views.warning_detail, name="detail"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
]
