from django.urls import include, path  # noqa: F401  (patterns are added as the area is built)

urlpatterns: list = [
    # The forms for lifecycle actions on one complaint (web/complaint/actions).
    path("<str:reference>/act/", include(("redress.web.complaint.actions.urls", "actions"))),
]
