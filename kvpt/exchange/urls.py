from django.urls import path

from kvpt.exchange import views

app_name = "exchange"

urlpatterns = [
    path("exercises/<int:pk>/export/", views.export_view, name="export"),
    path("exchange/import/", views.import_view, name="import"),
]
