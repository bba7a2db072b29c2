"""Back office for the collective economy. Scoped like every page; income reports are read-only here (their
workflow is in the portal), and writes of targets and projects go through the services."""

from django.contrib import admin

from accounts.permissions import CHANGE, units_for
from core import audit
from core.admin import PortalSheetsMixin, ReadOnlyAdmin, ScopedAdminMixin

from . import services
from .models import (
    DoublingPlan,
    IncomeReport,
    Project,
    ProjectCompetition,
    ProjectScore,
    RewardRule,
    RewardScheme,
    ThresholdTarget,
    VillageReward,
)


@admin.register(IncomeReport)
class IncomeReportAdmin(ScopedAdminMixin, PortalSheetsMixin, admin.ModelAdmin):
    import_kind = "income"
    list_display = ["village", "year", "version", "status", "total_income", "operating_income", "debt"]
    list_filter = ["year", "status", "development_model"]
    search_fields = ["village__name", "village__code"]
    list_select_related = ["village"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in IncomeReport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Approved reports are locked; reports change only through the review workflow in the portal.
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is None and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_export_queryset(self, request):
        return self.get_queryset(request).filter(status="approved")

    def has_import_permission(self, request):
        return self.has_module_permission(request)

    def has_export_permission(self, request):
        return self.has_module_permission(request)


@admin.register(Project)
class ProjectAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "village", "development_model", "investment", "status"]
    list_filter = ["development_model", "status"]
    search_fields = ["name", "village__name", "partners"]
    list_select_related = ["village"]

    def save_model(self, request, obj, form, change):
        data = {k: v for k, v in form.cleaned_data.items() if k in services.PROJECT_FIELDS}
        if change:
            services.project_update(project=obj, actor=request.user, **data)
        else:
            created = services.project_create(village=form.cleaned_data["village"], actor=request.user, **data)
            obj.pk = created.pk

    def delete_model(self, request, obj):
        services.project_delete(project=obj, actor=request.user)


@admin.register(ThresholdTarget)
class ThresholdTargetAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["unit", "year", "threshold", "target_share"]
    list_filter = ["year", "threshold"]
    list_select_related = ["unit"]

    def save_model(self, request, obj, form, change):
        saved = services.threshold_target_set(
            unit=obj.unit, year=obj.year, threshold=obj.threshold, target_share=obj.target_share, actor=request.user
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.threshold_target_delete(target=obj, actor=request.user)


@admin.register(DoublingPlan)
class DoublingPlanAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["unit", "base_year", "target_year", "multiple"]
    list_select_related = ["unit"]

    def save_model(self, request, obj, form, change):
        saved = services.doubling_plan_set(
            unit=obj.unit,
            base_year=obj.base_year,
            target_year=obj.target_year,
            multiple=obj.multiple,
            actor=request.user,
        )
        obj.pk = saved.pk


class RewardRuleInline(admin.TabularInline):
    model = RewardRule
    extra = 0


@admin.register(RewardScheme)
class RewardSchemeAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "unit", "effective_year", "village_cap"]
    list_select_related = ["unit"]
    inlines = [RewardRuleInline]

    def has_add_permission(self, request):
        # Reward schemes are the city's: only the organization department sets them.
        return super().has_add_permission(request) and bool(units_for(request.user, RewardScheme, CHANGE))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(actor=request.user, action="reward_scheme.admin_save", obj=obj, unit=obj.unit)


@admin.register(VillageReward)
class VillageRewardAdmin(ReadOnlyAdmin):
    list_display = ["village", "year", "amount", "scheme", "computed_at"]
    list_filter = ["year"]
    search_fields = ["village__name", "village__code"]
    list_select_related = ["village", "scheme"]


@admin.register(ProjectCompetition)
class ProjectCompetitionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "unit", "year"]
    list_filter = ["year"]
    list_select_related = ["unit"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            audit.record(actor=request.user, action="competition.update", obj=obj, unit=obj.unit)
        else:
            created = services.competition_create(unit=obj.unit, year=obj.year, name=obj.name, actor=request.user)
            obj.pk = created.pk


@admin.register(ProjectScore)
class ProjectScoreAdmin(ReadOnlyAdmin):
    list_display = ["project", "competition", "reviewer", "score"]
    list_select_related = ["project", "competition", "reviewer"]


@admin.register(RewardRule)
class RewardRuleAdmin(ReadOnlyAdmin):
    list_display = ["scheme", "kind", "basis", "threshold", "amount", "rate", "min_growth", "cap"]
    list_select_related = ["scheme"]
