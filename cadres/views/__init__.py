"""Portal pages of party members and cadre pipelines, by sub-domain: `people`, `members` (with transfers),
`development`, `cadres` (posts, elevated management, vetting, study, assessment), `reserves`, `training`,
and `overview` (their imports and exports: core.sheets). Lists, details, forms and actions are the generic views of
`core.views.generic` configured by attributes; `cadres/urls.py` names the modules directly."""
