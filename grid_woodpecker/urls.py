from django.urls import path

from . import config_views, map_views, signup_views, views

app_name = "grid_woodpecker"

urlpatterns = [
    path("", views.index, name="index"),
    path("register/", signup_views.register, name="register"),
    path("register/units/", signup_views.signup_units, name="signup_units"),
    path("password-reset/", signup_views.password_reset, name="password_reset"),
    path("me/", views.me, name="me"),
    path("clues/new/", views.clue_new, name="clue_new"),
    path("clues/", views.clue_list, name="clue_list"),
    path("clues/<int:pk>/", views.clue_detail, name="clue_detail"),
    path("clues/<int:pk>/<slug:name>/", views.ClueAction.as_view(), name="clue_action"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("points/", views.points, name="points"),
    path("goods/<int:pk>/redeem/", views.redeem, name="redeem"),
    path("goods/<int:pk>/stock/", views.goods_stock, name="goods_stock"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<int:pk>/take/", views.task_take, name="task_take"),
    path("triage/", views.triage, name="triage"),
    path("community/", views.community_queue, name="community_queue"),
    path("department/", views.department_queue, name="department_queue"),
    path("oversight/", views.oversight, name="oversight"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("public/<str:code>/", views.public, name="public"),
    path("woodpeckers/", views.woodpecker_list, name="woodpecker_list"),
    path("woodpeckers/<int:pk>/", views.woodpecker_detail, name="woodpecker_detail"),
    path("woodpeckers/<int:pk>/<slug:name>/", views.woodpecker_action, name="woodpecker_action"),
    path("counter/", views.counter, name="counter"),
    path("counter/<int:pk>/", views.counter_station, name="counter_station"),
    path("counter/<int:pk>/hand-out/", views.hand_out, name="hand_out"),
    path("redemptions/<int:pk>/", views.redemption_detail, name="redemption_detail"),
    path("redemptions/<int:pk>/<slug:name>/", views.redemption_action, name="redemption_action"),
    # Stations, goods and clue categories, kept by staff (config_views).
    path("stations/", config_views.StationList.as_view(), name="station_list"),
    path("stations/new/", config_views.StationCreate.as_view(), name="station_create"),
    path("stations/<int:pk>/edit/", config_views.StationEdit.as_view(), name="station_edit"),
    path("goods/", config_views.GoodsList.as_view(), name="goods_list"),
    path("goods/new/", config_views.GoodsCreate.as_view(), name="goods_create"),
    path("goods/<int:pk>/edit/", config_views.GoodsEdit.as_view(), name="goods_edit"),
    path("categories/", config_views.CategoryList.as_view(), name="category_list"),
    path("categories/new/", config_views.CategoryCreate.as_view(), name="category_create"),
    path("categories/<int:pk>/edit/", config_views.CategoryEdit.as_view(), name="category_edit"),
    path("map/<int:pk>/", map_views.unit_map, name="unit_map"),
    path("map/<int:pk>/data/", map_views.unit_map_data, name="unit_map_data"),
]
