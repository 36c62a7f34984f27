from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExercisesConfig(AppConfig):
    name = "kvpt.exercises"
    label = "exercises"
    verbose_name = _("Diễn tập")

    def ready(self) -> None:
        from kvpt.core.history import register_history
        from kvpt.exercises.models import Exercise
        from kvpt.exercises.selectors import exercise_list

        register_history(Exercise, exercise_list)
