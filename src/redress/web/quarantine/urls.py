from django.urls import path

from redress.web.quarantine import views

urlpatterns = [
    path("", views.held_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/release/", views.release, name="release"),
    path("<int:pk>/discard/", views.discard, name="discard"),
]
