from django.urls import path

from redress.api.main import api

urlpatterns = [path("", api.urls)]
