from django.urls import path

from kvpt.exercises import committee_views, structure_views, views

app_name = "exercises"

urlpatterns = [
    path("", views.exercise_list_view, name="list"),
    path("new/", views.exercise_create_view, name="create"),
    path("<int:pk>/", views.exercise_detail_view, name="detail"),
    path("<int:pk>/edit/", views.exercise_edit_view, name="edit"),
    path("<int:pk>/transition/", views.exercise_transition_view, name="transition"),
    path("<int:pk>/copy/", views.exercise_copy_view, name="copy"),
    path("<int:pk>/delete/", views.exercise_delete_view, name="delete"),
    *structure_views.urlpatterns,
    *committee_views.urlpatterns,
]
