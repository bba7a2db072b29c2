"""Exports of members, cadre posts and reserve cadres (core.sheets.export), written from their importers' specs.

A person is identified by their code (人员编码, a column of the importers' specs), never by an ID number: exports
leave out the ID number and the phone (docs/security.md), which the pages show masked and a masked value matches
nobody. A member export goes back in unchanged as an update, each row finding its person by the code."""

from core.sheets.export import Exporter, register
from core.sheets.spec import Column

from .importers import PERSON_CODE
from .models import CadrePost, PartyMember, ReserveCadre, ReserveStage

PRIVATE = ("id_number", "mobile")
__all__ = ["PERSON_CODE", "PRIVATE"]


class PersonExporter(Exporter):
    extra = (PERSON_CODE,)
    omit = PRIVATE

    def base_queryset(self, params):
        return self.model.objects.select_related("person", "unit").order_by("unit__path", "person__name", "pk")

    def person_values(self, obj) -> dict:
        person = obj.person
        return {
            "person_code": person.code,
            "name": person.name,
            "education": person.education,
            "employment_type": person.employment_type,
            "unit_code": obj.unit.code,
        }


@register
class MemberExporter(PersonExporter):
    kind = "members"
    model = PartyMember

    def row(self, obj) -> dict:
        return {**self.person_values(obj), "status": obj.status, "joined_on": obj.joined_on}


@register
class CadrePostExporter(PersonExporter):
    kind = "posts"
    model = CadrePost

    def row(self, obj) -> dict:
        return {
            **self.person_values(obj),
            "committee": obj.committee,
            "post": obj.post,
            "is_one_shoulder": obj.is_one_shoulder,
            "term_start_year": obj.term_start_year,
            "started_on": obj.started_on,
        }


@register
class ReserveExporter(PersonExporter):
    kind = "reserves"
    model = ReserveCadre
    extra = (
        PERSON_CODE,
        Column("stage", "培养阶段", type="choice", choices=tuple((v, str(label)) for v, label in ReserveStage.choices)),
    )

    def row(self, obj) -> dict:
        return {
            **self.person_values(obj),
            "stage": obj.stage,
            "post_for": obj.post_for,
            "nomination": obj.nomination,
            "nominated_on": obj.nominated_on,
        }
