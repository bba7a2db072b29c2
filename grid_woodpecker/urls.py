app_name = "grid_woodpecker"

urlpatterns = []
