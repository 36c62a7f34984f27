"""Scenario pages live under /exercises/<exercise id>/ (situations, msel, conduct)."""

from kvpt.scenario.views import urlpatterns as urlpatterns

app_name = "scenario"
