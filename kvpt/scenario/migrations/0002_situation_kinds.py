"""Seed the catalogue of situation kinds; administrators add, rename or retire kinds later."""

from django.db import migrations

KINDS = [
    ("martial_law", "Thiết quân luật", 10),
    ("curfew", "Giới nghiêm", 20),
    ("defence_emergency", "Tình trạng khẩn cấp về quốc phòng", 30),
    ("riot", "Gây rối, bạo loạn", 40),
    ("border_intrusion", "Xâm nhập biên giới", 50),
    ("air_defence", "Phòng không nhân dân", 60),
    ("defensive_combat", "Tác chiến phòng thủ", 70),
    ("natural_disaster", "Thiên tai, thảm họa", 80),
    ("search_rescue", "Tìm kiếm cứu nạn", 90),
    ("other", "Tình huống khác", 100),
]


def seed(apps, schema_editor):
    kind = apps.get_model("scenario", "SituationKind")
    for code, name, order in KINDS:
        kind.objects.get_or_create(code=code, defaults={"name": name, "order": order})


def unseed(apps, schema_editor):
    kind = apps.get_model("scenario", "SituationKind")
    kind.objects.filter(code__in=[c for c, _n, _o in KINDS], situations__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("scenario", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
