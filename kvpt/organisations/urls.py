from django.urls import path

from kvpt.organisations import views

app_name = "organisations"

urlpatterns = [
    path("areas/", views.area_list_view, name="area_list"),
    path("areas/new/", views.area_create_view, name="area_create"),
    path("areas/<int:pk>/", views.area_detail_view, name="area_detail"),
    path("areas/<int:pk>/edit/", views.area_update_view, name="area_update"),
    path("areas/<int:pk>/delete/", views.area_delete_view, name="area_delete"),
    path(
        "areas/<int:pk>/successions/new/",
        views.area_succession_create_view,
        name="area_succession_create",
    ),
    path(
        "successions/<int:pk>/delete/",
        views.area_succession_delete_view,
        name="area_succession_delete",
    ),
    path("agencies/", views.agency_list_view, name="agency_list"),
    path("agencies/new/", views.agency_create_view, name="agency_create"),
    path("agencies/<int:pk>/", views.agency_detail_view, name="agency_detail"),
    path("agencies/<int:pk>/edit/", views.agency_update_view, name="agency_update"),
    path("agencies/<int:pk>/delete/", views.agency_delete_view, name="agency_delete"),
    path("units/", views.unit_list_view, name="unit_list"),
    path("units/new/", views.unit_create_view, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail_view, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_update_view, name="unit_update"),
    path("units/<int:pk>/delete/", views.unit_delete_view, name="unit_delete"),
    path("people/", views.person_list_view, name="person_list"),
    path("people/new/", views.person_create_view, name="person_create"),
    path("people/<int:pk>/", views.person_detail_view, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_update_view, name="person_update"),
    path("people/<int:pk>/delete/", views.person_delete_view, name="person_delete"),
    path("people/<int:pk>/positions/", views.position_create_view, name="position_create"),
    path(
        "people/<int:pk>/positions/<int:position_pk>/delete/",
        views.position_delete_view,
        name="position_delete",
    ),
]
