"""worklists pages of the staff workbench: /cases/?view=mine|unit|unassigned|due_today|
due_soon|overdue|late_remedies|approvals|callback|deemable|open|all, and /cases/reports/: reports owed to authorities."""

from django.urls import path

from redress.web.worklists import reports, views

urlpatterns = [
    path("", views.worklist, name="list"),
    path("reports/", reports.authority_reports, name="reports"),
]
