from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("", include("kvpt.core.urls")),
    path("accounts/", include("kvpt.accounts.urls")),
    path("org/", include("kvpt.organisations.urls")),
    path("exercises/", include("kvpt.exercises.urls")),
    path("exercises/", include("kvpt.preparation.urls")),
    path("exercises/", include("kvpt.evaluation.urls")),
    path("exercises/", include("kvpt.scenario.urls")),
    path("exercises/", include("kvpt.forces.urls")),
    path("exercises/", include("kvpt.review.urls")),
    path("exercises/", include("kvpt.reports.urls")),
    path("lessons/", include("kvpt.review.lessons_views")),
    path("", include("kvpt.exchange.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
