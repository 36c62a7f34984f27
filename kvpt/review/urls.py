"""Review pages under /exercises/: per exercise (<id>/review/, conferences, observations,
directives, actions) and across exercises (review/actions/, review/my-actions/, notifications)."""

from kvpt.review.lessons_views import exercise_patterns as lesson_patterns
from kvpt.review.views import urlpatterns as review_patterns

app_name = "review"

urlpatterns = [*review_patterns, *lesson_patterns]
