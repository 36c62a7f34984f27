from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "kvpt.exercises"
    label = "exercises"
    verbose_name = "Diễn tập"

    def ready(self) -> None:
        from kvpt.core.history import register_history
        from kvpt.exercises.models import Exercise
        from kvpt.exercises.selectors import exercise_list

        register_history(Exercise, exercise_list)
