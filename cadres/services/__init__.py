"""Write use-cases of the cadres app, one module per sub-domain: `people`, `members`, `transfers`,
`development`, `cadres` (posts, elevated management, vetting, study, assessment), `reserves`, `training`.

Every service takes `actor` — a User, or `accounts.permissions.SYSTEM` for the demo and bulk loads; None is
refused — and asks the one permission path (`require`/`require_at` with the actions the models declare) before
it writes. Updates go through `core.services.update_fields`, state changes (a post ended, a reserve's stage, a
transfer's step, a development decision) through `core.services.transition`. The sub-domain modules share one
logger, `cadres.services` (`base.logger`: ids and codes, never personal data), used where a failure is caught.
The demo's bulk builders are in `cadres.demo.builders`.

The names below are re-exported only while callers move to the sub-domain modules (`cadres.services.people`, …);
new code imports from those modules.
"""

from django.utils.translation import gettext_lazy

from core import audit

from .cadres import assessment_record, elevation_create, post_create, post_end, study_create, vetting_create
from .development import (
    development_approve,
    development_propose,
    development_register,
    development_return,
    development_start,
    development_step_errors,
    next_stage,
)
from .members import MEMBER_FACTS, member_create, member_register, member_update
from .people import REVEAL_ROLES, person_create, person_find_by_id_number, person_reveal, person_update
from .reserves import reserve_advance, reserve_drop, reserve_next_stage, reserve_nominate
from .training import training_add_attendees, training_create
from .transfers import transfer_arrive, transfer_cancel, transfer_receive, transfer_start

audit.ACTION_LABELS.update(
    {
        "person.create": gettext_lazy("Person registered"),
        "person.update": gettext_lazy("Person changed"),
        "person.bulk_create": gettext_lazy("People registered in bulk"),
        "member.create": gettext_lazy("Party member registered"),
        "member.update": gettext_lazy("Party member changed"),
        "member.bulk_create": gettext_lazy("Party members registered in bulk"),
        "transfer.out": gettext_lazy("Transfer out started"),
        "transfer.in": gettext_lazy("Transfer in started"),
        "transfer.received": gettext_lazy("Transfer received"),
        "transfer.cancel": gettext_lazy("Transfer cancelled"),
        "development.start": gettext_lazy("Development record opened"),
        "development.propose": gettext_lazy("Development step submitted"),
        "development.approve": gettext_lazy("Development step approved"),
        "development.return": gettext_lazy("Development step sent back"),
        "post.create": gettext_lazy("Post taken up"),
        "post.end": gettext_lazy("Post ended"),
        "post.update": gettext_lazy("Post changed"),
        "elevation.create": gettext_lazy("Elevated management registered"),
        "elevation.bulk_create": gettext_lazy("Elevated management registered in bulk"),
        "vetting.create": gettext_lazy("Joint vetting recorded"),
        "vetting.bulk_create": gettext_lazy("Joint vettings recorded in bulk"),
        "study.create": gettext_lazy("Degree study registered"),
        "study.bulk_create": gettext_lazy("Degree studies registered in bulk"),
        "assessment.record": gettext_lazy("Capability assessment recorded"),
        "assessment.bulk_create": gettext_lazy("Capability assessments recorded in bulk"),
        "reserve.nominate": gettext_lazy("Reserve cadre nominated"),
        "reserve.advance": gettext_lazy("Reserve cadre advanced"),
        "reserve.drop": gettext_lazy("Reserve cadre dropped"),
        "reserve.update": gettext_lazy("Reserve cadre nomination changed"),
        "training.create": gettext_lazy("Training session created"),
        "training.attendees": gettext_lazy("Training attendees added"),
    }
)

__all__ = [
    "MEMBER_FACTS",
    "REVEAL_ROLES",
    "assessment_record",
    "development_approve",
    "development_propose",
    "development_register",
    "development_return",
    "development_start",
    "development_step_errors",
    "elevation_create",
    "member_create",
    "member_register",
    "member_update",
    "next_stage",
    "person_create",
    "person_find_by_id_number",
    "person_reveal",
    "person_update",
    "post_create",
    "post_end",
    "reserve_advance",
    "reserve_drop",
    "reserve_next_stage",
    "reserve_nominate",
    "study_create",
    "training_add_attendees",
    "training_create",
    "transfer_arrive",
    "transfer_cancel",
    "transfer_receive",
    "transfer_start",
    "vetting_create",
]
