"""Complaint pages of the staff workbench: `web:complaint:detail` and what it posts to."""
from django.urls import include, path

from redress.web.complaint import views

urlpatterns: list = [
    path("<str:reference>/", views.detail, name="detail"),
    path("<str:reference>/reveal/", views.reveal, name="reveal"),
    path("<str:reference>/customer-match/<int:pk>/", views.customer_match, name="customer_match"),
    path("<str:reference>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("<str:reference>/evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    # The forms for lifecycle actions on one complaint (web/complaint/actions).
    path("<str:reference>/act/", include(("redress.web.complaint.actions.urls", "actions"))),
]
