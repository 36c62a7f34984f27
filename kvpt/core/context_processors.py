from typing import Any

from django.http import HttpRequest


def kvpt(request: HttpRequest) -> dict[str, Any]:
    return {}
