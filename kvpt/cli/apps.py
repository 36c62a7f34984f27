from django.apps import AppConfig


class CliConfig(AppConfig):
    name = "kvpt.cli"
    label = "cli"
    verbose_name = "Dòng lệnh"
