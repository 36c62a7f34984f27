"""Preparation pages live under /exercises/<exercise id>/...; each kind brings its own patterns."""

from kvpt.preparation.views import budget, documents, readiness, tasks, works

app_name = "preparation"

urlpatterns = [
    *tasks.urlpatterns,
    *documents.urlpatterns,
    *works.urlpatterns,
    *budget.urlpatterns,
    *readiness.urlpatterns,
]
