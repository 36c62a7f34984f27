"""Pages for preparation records; one module per kind, each with its own `urlpatterns`."""
