"""/portal/...: the public pages. Names are namespaced `portal:`."""

from django.urls import path

from redress.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.submit, name="submit"),
    path("submitted/", views.submitted, name="submitted"),
    path("status/", views.lookup, name="lookup"),
    path("status/leave/", views.leave, name="leave"),
    path("status/<str:reference>/", views.status_page, name="status"),
    path("status/<str:reference>/add/", views.add_information, name="add"),
    path("status/<str:reference>/rate/", views.rate, name="rate"),
]
