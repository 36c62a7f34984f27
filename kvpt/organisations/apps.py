from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "kvpt.organisations"
    label = "organisations"
    verbose_name = "Địa bàn, cơ quan, đơn vị, cán bộ"
