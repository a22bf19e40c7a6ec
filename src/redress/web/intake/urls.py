"""intake pages of the staff workbench (namespace web:intake)."""
from django.urls import path

from redress.web.intake import recomplaint, views

urlpatterns = [
    path("", views.new, name="new"),
    path("read-back/", views.readback, name="readback"),
    path("confirm/", views.confirm, name="confirm"),
    path("done/<str:reference>/", views.done, name="done"),
    path("customers/", views.customers, name="customers"),
    path("lookups/", views.lookups, name="lookups"),
    path("customers/<uuid:public_id>/", views.customer_pick, name="customer_pick"),
    path("recomplaint/<str:reference>/", recomplaint.recomplaint, name="recomplaint"),
]
