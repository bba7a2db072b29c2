"""No admin for the system clients (the portal's pages and services do everything); django-oauth-toolkit's own
admin pages are taken off the admin site: they would edit applications and tokens unscoped and unaudited."""

from django.contrib import admin

for model in [m for m in admin.site._registry if m._meta.app_label == "oauth2_provider"]:
    admin.site.unregister(model)
