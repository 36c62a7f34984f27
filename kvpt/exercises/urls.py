from django.urls import path

from kvpt.exercises import views

app_name = "exercises"

urlpatterns = [
    path("", views.exercise_list_view, name="list"),
    path("<int:pk>/", views.exercise_detail_view, name="detail"),
]
