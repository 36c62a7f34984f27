"""Work every server process would otherwise do on its first request, done once when it loads.

Django imports the URL configuration (every view module and every API schema: about 2 s of CPU)
on the first request a process serves. Under gunicorn with `preload_app` the master does it
here, before forking, so a worker recycled by `max_requests` answers at once instead of making
the requests queued behind it wait seconds. None of this reads the database (gunicorn's
pre_fork hook closes any connection the master holds all the same).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import get_resolver, reverse
from django.utils import translation


def warm_up() -> None:
    get_resolver().url_patterns  # noqa: B018 - the import is the point
    reverse("core:home")  # builds the resolver's reverse index, which the templates use
    for code, _name in settings.LANGUAGES:
        with translation.override(code):  # loads each catalogue once
            translation.gettext("Trang chủ")
