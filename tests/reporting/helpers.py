from datetime import date

from accounts.permissions import SYSTEM
from reporting import services
from reporting.models import FieldKind, PeriodType, Severity

DAY = date(2024, 5, 15)


def build_form(unit, *, code="monthly", publish=True, actor=SYSTEM):
    """A monthly form at `unit` with prefilled members, developed and activists, a typed count and a yes/no; the
    rules `developed <= activists` (blocking) and `meetings` over 3x last month's (warning)."""
    form = services.form_create(
        unit=unit,
        actor=actor,
        code=code,
        name=f"{unit.name}月报",
        period_type=PeriodType.MONTHLY,
        filled_by=["village", "community"],
    )
    version = services.version_draft(form=form, actor=actor)
    section = services.section_add(version=version, actor=actor, title="党员队伍", order=1)
    services.field_add(
        section=section, actor=actor, code="members", label="党员数", kind=FieldKind.INTEGER, prefill="members", order=1
    )
    services.field_add(
        section=section,
        actor=actor,
        code="developed",
        label="发展党员",
        kind=FieldKind.INTEGER,
        prefill="members_developed",
        order=2,
    )
    services.field_add(
        section=section,
        actor=actor,
        code="activists",
        label="入党积极分子",
        kind=FieldKind.INTEGER,
        prefill="activists",
        order=3,
    )
    services.field_add(
        section=section,
        actor=actor,
        code="meetings",
        label="组织生活次数",
        kind=FieldKind.INTEGER,
        required=True,
        order=4,
    )
    services.field_add(
        section=section, actor=actor, code="done", label="三会一课已开展", kind=FieldKind.YES_NO, order=5
    )
    services.rule_add(
        version=version,
        actor=actor,
        message="发展党员数不能超过入党积极分子数",
        left="developed",
        operator="<=",
        right_field="activists",
    )
    services.rule_add(
        version=version,
        actor=actor,
        message="比上期增长超过3倍，请说明",
        left="meetings",
        growth_factor=3,
        severity=Severity.WARNING,
    )
    if publish:
        services.form_publish(form=form, actor=actor)
    return form
