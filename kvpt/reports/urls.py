"""Report pages live under /exercises/ (an exercise's reports, exports, charts; templates)."""

from kvpt.reports.views import urlpatterns as urlpatterns

app_name = "reports"
