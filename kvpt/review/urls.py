"""Review pages under /exercises/: per exercise (<id>/review/, conferences, observations,
directives, actions) and across exercises (review/actions/, review/my-actions/, notifications)."""

from kvpt.review.views import urlpatterns as review_patterns

app_name = "review"

urlpatterns = [*review_patterns]
