"""The rating scales every installation starts with (more can be added in the admin)."""

from django.db import migrations

SCALES = [
    (
        "GKDK",
        "Giỏi / Khá / Đạt / Không đạt",
        "Thang xếp loại thường dùng khi đánh giá diễn tập, huấn luyện.",
        [("GIOI", "Giỏi", True), ("KHA", "Khá", True), ("DAT", "Đạt", True),
         ("KDAT", "Không đạt", False)],
    ),
    (
        "HTNV",
        "Hoàn thành tốt / Hoàn thành / Không hoàn thành nhiệm vụ",
        "Thang đánh giá mức hoàn thành nhiệm vụ của tập thể, cá nhân.",
        [("HTT", "Hoàn thành tốt nhiệm vụ", True), ("HT", "Hoàn thành nhiệm vụ", True),
         ("KHT", "Không hoàn thành nhiệm vụ", False)],
    ),
    (
        "PSMU",
        "P / S / M / U (HSEEP)",
        "Thang của HSEEP (Hoa Kỳ) cho từng năng lực: P - thực hiện không gặp khó khăn; "
        "S - thực hiện, gặp một số khó khăn; M - thực hiện, gặp khó khăn lớn; "
        "U - không thực hiện được.",
        [("P", "P - Thực hiện không gặp khó khăn", True),
         ("S", "S - Thực hiện, gặp một số khó khăn", True),
         ("M", "M - Thực hiện, gặp khó khăn lớn", False),
         ("U", "U - Không thực hiện được", False)],
    ),
    (
        "MDYC",
        "Đạt / Không đạt mục đích, yêu cầu",
        "Kết luận chung của cấp trên về cuộc diễn tập.",
        [("DAT", "Đạt mục đích, yêu cầu", True), ("KDAT", "Không đạt mục đích, yêu cầu", False)],
    ),
]


def seed(apps, schema_editor):
    RatingScale = apps.get_model("evaluation", "RatingScale")
    ScaleLevel = apps.get_model("evaluation", "ScaleLevel")
    for code, name, description, levels in SCALES:
        scale, _ = RatingScale.objects.get_or_create(
            code=code, defaults={"name": name, "description": description}
        )
        for order, (level_code, label, passing) in enumerate(levels, start=1):
            ScaleLevel.objects.get_or_create(
                scale=scale,
                code=level_code,
                defaults={"label": label, "order": order, "is_passing": passing},
            )


def unseed(apps, schema_editor):
    RatingScale = apps.get_model("evaluation", "RatingScale")
    codes = [code for code, *_ in SCALES]
    RatingScale.objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
