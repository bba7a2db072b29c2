"""The demo county's system client (外部系统): the city's data platform, registered at Shishou with read scopes and
the webhook scope, so that `make run` shows an OAuth2 client beside the older DRF token of `external`. Its secret is
printed once, when the demo is built; a later `make run` keeps the client and prints nothing of it (rotate the secret
on its page, /clients/, to get a new one)."""

from accounts.permissions import SYSTEM

from . import services

NAME = "石首市大数据平台（演示）"
SCOPES = ["hierarchy:read", "figures:read", "clues:read", "reports:write", "webhooks"]


def build(ctx) -> None:
    client, secret = services.client_create(
        name=NAME,
        contact_person="市数据局 赵工",
        contact_phone="0716-7000000",
        unit=ctx.city,
        scopes=SCOPES,
        actor=SYSTEM,
    )
    if ctx.stdout is not None:
        ctx.stdout.write(f"System client '{NAME}': client_id {client.client_id}  client_secret {secret}")
        ctx.stdout.write("  (the secret is shown this once; token: POST /api/v1/oauth/token/, docs/api.md)")
