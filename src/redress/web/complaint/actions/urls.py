from django.urls import path

from redress.web.complaint.actions import views

urlpatterns = [
    path("check-phrases/", views.check_phrases, name="check_phrases"),
    path("<slug:action>/", views.ActionView.as_view(), name="act"),
]
