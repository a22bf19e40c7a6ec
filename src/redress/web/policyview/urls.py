from django.urls import path

from redress.web.policyview import views

urlpatterns = [
    path("", views.policy, name="pack"),
]
