"""Who may write the records of the cadres app (the role sets its models declare)."""

from accounts.roles import Role

# Who may write the records of this app: staff of the township and the organization department, and the village
# or community secretary for their own unit (docs/domain.md: secretaries maintain the members and cadres of their
# village).
CADRES_WRITE_ROLES = (Role.ORG_DEPARTMENT, Role.TOWNSHIP_STAFF, Role.SECRETARY)
# Decisions of the township or the county: approving development steps, reviewing and appointing reserves,
# vetting, assessments, elevated management and training.
STAFF_ONLY = CADRES_WRITE_ROLES[:2]
# Whose decision on a development step is recorded as the county's (the organization department; superusers and
# the system too): the action `APPROVE_AS_COUNTY` on DevelopmentRecord.
COUNTY_ROLES = (Role.ORG_DEPARTMENT,)
APPROVE_AS_COUNTY = "approve_as_county"
# Who imports sheets of members, cadres and reserves (each row is still checked against their scope).
CADRES_IMPORT_ROLES = CADRES_WRITE_ROLES
