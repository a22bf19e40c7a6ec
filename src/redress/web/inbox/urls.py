from django.urls import path

from redress.web.inbox import views

urlpatterns = [
    path("", views.inbox, name="list"),
    path("count/", views.unread_count, name="count"),
    path("read/", views.mark_read, name="read"),
    path("delivery/", views.set_delivery, name="delivery"),
    path("escalations/<int:pk>/answer/", views.answer, name="answer"),
]
