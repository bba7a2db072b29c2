"""Portal pages of party members and cadre pipelines, by sub-domain: `people`, `members` (with transfers),
`development`, `cadres` (posts, elevated management, vetting, study, assessment), `reserves`, `training`,
`sheets` (import and export) and `overview`. Lists, details, forms and actions are the generic views of
`core.views.generic` configured by attributes; `cadres/urls.py` names the modules directly."""
