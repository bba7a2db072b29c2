"""The sheet import pages (core.views.imports), one set for every import kind."""

from django.urls import path

from .views import imports

app_name = "imports"
urlpatterns = [
    path("job/<int:pk>/", imports.ImportJobPage.as_view(), name="job"),
    path("job/<int:pk>/progress/", imports.progress, name="progress"),
    path("job/<int:pk>/errors.xlsx", imports.error_sheet, name="errors"),
    path("<slug:kind>/", imports.ImportStart.as_view(), name="start"),
]
