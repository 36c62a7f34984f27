"""Evaluation pages under /exercises/<id>/evaluation/."""

from kvpt.evaluation.views import urlpatterns as evaluation_patterns

app_name = "evaluation"

urlpatterns = [*evaluation_patterns]
