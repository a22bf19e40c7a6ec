from django.urls import path  # noqa: F401  (patterns are added as the area is built)

urlpatterns: list = []
