"""Models of this app. See docs/adding-models.md for the checklist every model follows."""
