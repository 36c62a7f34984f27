"""A URL configuration with one page more than the real one: the bench must find it unasked."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def new_feature(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [
    path("", include("config.urls")),
    path("later/exercises/<int:pk>/new-feature/", new_feature, name="bench_new_feature"),
]
