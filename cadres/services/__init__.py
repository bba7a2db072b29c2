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
