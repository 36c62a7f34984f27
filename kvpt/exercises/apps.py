from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "kvpt.exercises"
    label = "exercises"
    verbose_name = "Diễn tập"
