"""The catalogue of exercise document kinds (domain.md §4), editable afterwards by administrators."""

from django.db import migrations

KINDS = [
    ("NQ-CTT", "Nghị quyết lãnh đạo chuyển trạng thái"),
    ("QT-TC", "Quyết tâm tác chiến"),
    ("KH-DT", "Kế hoạch diễn tập"),
    ("KH-A2", "Kế hoạch xử lý tình huống A2"),
    ("KH-ANTT", "Kế hoạch bảo đảm an ninh, trật tự"),
    ("KH-CDLL", "Kế hoạch cơ động lực lượng"),
    ("KH-HD", "Kế hoạch hiệp đồng"),
    ("KH-HCKT", "Kế hoạch bảo đảm hậu cần, kỹ thuật"),
    ("MENH-LENH", "Mệnh lệnh"),
    ("QD", "Quyết định"),
    ("BAO-CAO", "Báo cáo"),
    ("KHAC", "Văn kiện khác"),
]


def add_kinds(apps, schema_editor):
    DocumentKind = apps.get_model("preparation", "DocumentKind")
    for order, (code, name) in enumerate(KINDS, start=1):
        DocumentKind.objects.get_or_create(code=code, defaults={"name": name, "order": order})


def remove_kinds(apps, schema_editor):
    DocumentKind = apps.get_model("preparation", "DocumentKind")
    DocumentKind.objects.filter(code__in=[code for code, _ in KINDS], documents=None).delete()


class Migration(migrations.Migration):
    dependencies = [("preparation", "0001_initial")]

    operations = [migrations.RunPython(add_kinds, remove_kinds)]
