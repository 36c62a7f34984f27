from django.urls import path

from kvpt.core import views
from kvpt.core.health import healthz

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("history/<str:label>/<int:pk>/", views.object_history, name="history"),
    path("healthz", healthz, name="healthz"),
]
