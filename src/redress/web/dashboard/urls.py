from django.urls import path

from redress.web.dashboard import views

urlpatterns = [
    path("", views.home, name="home"),
]
