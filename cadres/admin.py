"""Back office for the cadres app: scoped like every page. Workflow records (development, transfers, reserves)
are read-only here — their steps go through the portal or the API, where the services enforce the rules."""

from django.contrib import admin

from core.admin import PortalSheetsMixin, ReadOnlyAdmin

from .models import (
    CadrePost,
    CapabilityAssessment,
    DegreeStudy,
    DevelopmentRecord,
    DevelopmentStep,
    ElevatedManagement,
    JointVetting,
    MemberTransfer,
    PartyMember,
    Person,
    PersonalDataReveal,
    ReserveCadre,
    ReserveStep,
    TrainingAttendance,
    TrainingSession,
)


class SheetAdmin(PortalSheetsMixin, ReadOnlyAdmin):
    """Export scoped to the user; the change list links to the portal import page."""


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["name", "gender", "id_number_masked", "mobile_masked", "unit"]
    search_fields = ["name"]
    list_select_related = ["unit"]
    exclude = ["id_number_encrypted", "mobile_encrypted"]

    def get_readonly_fields(self, request, obj=None):
        hidden = {"id_number_encrypted", "mobile_encrypted", "id_number_hash", "mobile_hash"}
        return [f.name for f in Person._meta.fields if f.name not in hidden]


@admin.register(PersonalDataReveal)
class PersonalDataRevealAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "person", "field"]
    list_select_related = ["actor", "person"]


@admin.register(PartyMember)
class PartyMemberAdmin(SheetAdmin):
    import_kind = "members"
    list_display = ["person", "unit", "status", "joined_on", "is_floating", "without_post"]
    list_filter = ["status", "is_floating", "is_in_service", "without_post", "is_household"]
    search_fields = ["person__name"]
    list_select_related = ["person", "unit"]


@admin.register(MemberTransfer)
class MemberTransferAdmin(ReadOnlyAdmin):
    list_display = ["member", "from_unit", "to_unit", "status", "out_on"]
    list_filter = ["status"]
    list_select_related = ["member__person", "from_unit", "to_unit"]


class DevelopmentStepInline(admin.TabularInline):
    model = DevelopmentStep
    extra = 0
    can_delete = False
    fields = ["kind", "to_stage", "effective_on", "status", "proposed_by", "decided_by", "level", "return_reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DevelopmentRecord)
class DevelopmentRecordAdmin(ReadOnlyAdmin):
    list_display = ["person", "unit", "stage", "applied_on", "activist_on", "admitted_on"]
    list_filter = ["stage"]
    search_fields = ["person__name"]
    list_select_related = ["person", "unit"]
    inlines = [DevelopmentStepInline]


@admin.register(CadrePost)
class CadrePostAdmin(SheetAdmin):
    import_kind = "posts"
    list_display = ["person", "unit", "committee", "post", "is_one_shoulder", "term_start_year", "ended_on"]
    list_filter = ["post", "committee", "is_one_shoulder", "is_dispatched"]
    search_fields = ["person__name", "unit__name"]
    list_select_related = ["person", "unit"]


@admin.register(ElevatedManagement)
class ElevatedManagementAdmin(ReadOnlyAdmin):
    list_display = ["post", "direction", "started_on", "review_on", "closed_on"]
    list_filter = ["direction"]
    list_select_related = ["post__person"]


@admin.register(JointVetting)
class JointVettingAdmin(ReadOnlyAdmin):
    list_display = ["person", "unit", "vetted_on", "result", "filed_on"]
    list_select_related = ["person", "unit"]


@admin.register(DegreeStudy)
class DegreeStudyAdmin(ReadOnlyAdmin):
    list_display = ["person", "unit", "school", "target_level", "enrolled_on", "graduated_on"]
    list_select_related = ["person", "unit"]


@admin.register(CapabilityAssessment)
class CapabilityAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["person", "unit", "year", "score"]
    list_filter = ["year"]
    list_select_related = ["person", "unit"]


class ReserveStepInline(admin.TabularInline):
    model = ReserveStep
    extra = 0
    can_delete = False
    fields = ["from_stage", "to_stage", "on", "reason", "actor"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReserveCadre)
class ReserveCadreAdmin(SheetAdmin):
    import_kind = "reserves"
    list_display = ["person", "unit", "post_for", "nomination", "stage", "nominated_on"]
    list_filter = ["stage", "post_for", "nomination"]
    search_fields = ["person__name", "unit__name"]
    list_select_related = ["person", "unit"]
    inlines = [ReserveStepInline]


class TrainingAttendanceInline(admin.TabularInline):
    model = TrainingAttendance
    extra = 0
    can_delete = False
    fields = ["person"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TrainingSession)
class TrainingSessionAdmin(ReadOnlyAdmin):
    list_display = ["topic", "organizer", "level", "starts_on", "ends_on"]
    list_filter = ["level"]
    list_select_related = ["organizer"]
    inlines = [TrainingAttendanceInline]


@admin.register(DevelopmentStep)
class DevelopmentStepAdmin(ReadOnlyAdmin):
    list_display = ["record", "kind", "to_stage", "effective_on", "status", "level"]
    list_filter = ["status", "to_stage"]
    list_select_related = ["record__person"]


@admin.register(ReserveStep)
class ReserveStepAdmin(ReadOnlyAdmin):
    list_display = ["reserve", "from_stage", "to_stage", "on"]
    list_select_related = ["reserve__person"]


@admin.register(TrainingAttendance)
class TrainingAttendanceAdmin(ReadOnlyAdmin):
    list_display = ["session", "person"]
    list_select_related = ["session", "person"]
