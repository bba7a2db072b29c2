"""Export of members, cadres and reserves as sheets (django-import-export), limited to the exporter's scope, with
ID numbers and phones masked. Their imports run on the sheet engine (cadres/importers.py, core.sheets)."""

from django.utils.translation import gettext_lazy
from import_export import fields, resources

from accounts.permissions import VIEW, restrict

from .models import (
    CadrePost,
    PartyMember,
    ReserveCadre,
)

COLUMN_LABELS = {
    "name": gettext_lazy("full name"),
    "id_number": gettext_lazy("resident ID number"),
    "mobile": gettext_lazy("mobile phone"),
    "education": gettext_lazy("education level"),
    "employment_type": gettext_lazy("employment type"),
    "unit_code": gettext_lazy("unit code"),
    "status": gettext_lazy("membership status"),
    "joined_on": gettext_lazy("joining date"),
    "committee": gettext_lazy("committee"),
    "post": gettext_lazy("post"),
    "is_one_shoulder": gettext_lazy("one shoulder"),
    "term_start_year": gettext_lazy("term starts (election year)"),
    "started_on": gettext_lazy("in post since"),
    "post_for": gettext_lazy("reserve for"),
    "nomination": gettext_lazy("nominated by"),
    "nominated_on": gettext_lazy("nominated on"),
    "stage": gettext_lazy("stage"),
}


class SheetResource(resources.ModelResource):
    """Shared export columns: the person's name, masked ID number and the unit's code."""

    name = fields.Field(attribute="name_", column_name="name")
    id_number = fields.Field(attribute="id_number_", column_name="id_number")
    unit_code = fields.Field(attribute="unit_code_", column_name="unit_code")

    def __init__(self, actor=None, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor

    # -- export -------------------------------------------------------------------------------------------------
    def get_queryset(self):
        return restrict(self._meta.model.objects.select_related("person", "unit"), self.actor, VIEW)

    def dehydrate_name(self, obj):
        return obj.person.name

    def dehydrate_id_number(self, obj):
        return obj.person.id_number_masked

    def dehydrate_unit_code(self, obj):
        return obj.unit.code


class PartyMemberResource(SheetResource):
    mobile = fields.Field(attribute="mobile_", column_name="mobile")
    education = fields.Field(attribute="education_", column_name="education")
    status = fields.Field(attribute="status", column_name="status")
    joined_on = fields.Field(attribute="joined_on", column_name="joined_on")

    class Meta:
        model = PartyMember
        fields = ["name", "id_number", "mobile", "education", "unit_code", "status", "joined_on"]
        export_order = fields
        clean_model_instances = True
        skip_diff = True

    def dehydrate_mobile(self, obj):
        return obj.person.mobile_masked

    def dehydrate_education(self, obj):
        return obj.person.get_education_display()

    def dehydrate_status(self, obj):
        return obj.get_status_display()


class CadrePostResource(SheetResource):
    education = fields.Field(attribute="education_", column_name="education")
    committee = fields.Field(attribute="committee", column_name="committee")
    post = fields.Field(attribute="post", column_name="post")
    is_one_shoulder = fields.Field(attribute="is_one_shoulder", column_name="is_one_shoulder")
    term_start_year = fields.Field(attribute="term_start_year", column_name="term_start_year")
    started_on = fields.Field(attribute="started_on", column_name="started_on")

    class Meta:
        model = CadrePost
        fields = [
            "name",
            "id_number",
            "education",
            "unit_code",
            "committee",
            "post",
            "is_one_shoulder",
            "term_start_year",
            "started_on",
        ]
        export_order = fields
        clean_model_instances = True
        skip_diff = True

    def dehydrate_education(self, obj):
        return obj.person.get_education_display()

    def dehydrate_committee(self, obj):
        return obj.get_committee_display()

    def dehydrate_post(self, obj):
        return obj.get_post_display()


class ReserveCadreResource(SheetResource):
    education = fields.Field(attribute="education_", column_name="education")
    post_for = fields.Field(attribute="post_for", column_name="post_for")
    nomination = fields.Field(attribute="nomination", column_name="nomination")
    nominated_on = fields.Field(attribute="nominated_on", column_name="nominated_on")
    stage = fields.Field(attribute="stage", column_name="stage", readonly=True)

    class Meta:
        model = ReserveCadre
        fields = ["name", "id_number", "education", "unit_code", "post_for", "nomination", "nominated_on", "stage"]
        export_order = fields
        clean_model_instances = True
        skip_diff = True

    def dehydrate_education(self, obj):
        return obj.person.get_education_display()

    def dehydrate_post_for(self, obj):
        return obj.get_post_for_display()

    def dehydrate_nomination(self, obj):
        return obj.get_nomination_display()

    def dehydrate_stage(self, obj):
        return obj.get_stage_display()


# The exports by kind (the imports are core.sheets importers: cadres/importers.py).
SHEETS = {
    "members": {"resource": PartyMemberResource},
    "posts": {"resource": CadrePostResource},
    "reserves": {"resource": ReserveCadreResource},
}
