"""Pages for this kind of preparation record (filled in by its own change)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
