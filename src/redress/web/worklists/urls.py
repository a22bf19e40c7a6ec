"""worklists pages of the staff workbench: /cases/?view=mine|unit|unassigned|due_today|
due_soon|overdue|approvals|callback|deemable|open."""

from django.urls import path

from redress.web.worklists import views

urlpatterns = [
    path("", views.worklist, name="list"),
]
