from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kvpt.core"
    label = "core"
    verbose_name = "Lõi hệ thống"
