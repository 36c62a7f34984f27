"""Forces pages under /exercises/...: mobilisation, roster and check-in, weapons accountability."""

from kvpt.forces.views import urlpatterns

app_name = "forces"

__all__ = ["app_name", "urlpatterns"]
