from django.urls import path

from . import views

app_name = "collective_economy"

urlpatterns = [
    path("", views.index, name="index"),
    path("township/<int:pk>/", views.township_table, name="township"),
    path("city/<int:pk>/", views.city_view, name="city"),
    path("village/<int:pk>/", views.village_detail, name="village"),
    path("village/<int:village_pk>/submit/", views.report_submit, name="report_submit"),
    path("village/<int:village_pk>/projects/new/", views.project_create, name="project_create"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/correct/", views.report_correct, name="report_correct"),
    path("reports/<int:pk>/approve/", views.report_approve, name="report_approve"),
    path("reports/<int:pk>/send-back/", views.report_send_back, name="report_send_back"),
    path("review/", views.review_queue, name="review_queue"),
    path("rewards/", views.rewards, name="rewards"),
    path("projects/", views.project_list, name="projects"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("competitions/<int:pk>/", views.competition_detail, name="competition"),
    path("targets/", views.targets, name="targets"),
]
