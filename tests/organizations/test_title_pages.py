"""The demonstration titles' portal pages: list, grant, correct, revoke — staff only, audited, 404 outside."""

import pytest

from accounts.permissions import SYSTEM
from core.models import AuditEntry
from organizations.models import DemonstrationTitle
from organizations.services import demonstration_title_grant

pytestmark = pytest.mark.django_db


def test_grant_correct_and_revoke_a_title(county, users, client_for):
    client = client_for(users["staff_a"])
    outside = demonstration_title_grant(
        party_org=county["village_b1"].party_org, year=2024, title="village", actor=SYSTEM
    )
    form = client.get("/org/titles/new/").context["form"]
    assert county["village_a1"] in form.fields["unit"].queryset
    assert (
        county["village_b1"] not in form.fields["unit"].queryset
        and county["grid_a1"] not in form.fields["unit"].queryset
    )
    response = client.post("/org/titles/new/", {"unit": county["village_a1"].pk, "title": "village", "year": 2024})
    title = DemonstrationTitle.objects.get(party_org__unit=county["village_a1"])
    assert response.status_code == 302
    html = client.get("/org/titles/").content.decode()
    assert f"/org/titles/{title.pk}/edit/" in html and county["village_b1"].name not in html
    again = client.post("/org/titles/new/", {"unit": county["village_a1"].pk, "title": "village", "year": 2024})
    assert again.status_code == 200 and again.context["form"].errors  # once a year
    client.post(f"/org/titles/{title.pk}/edit/", {"title": "village", "year": 2023})
    title.refresh_from_db()
    assert title.year == 2023 and AuditEntry.objects.filter(action="demonstration_title.update").exists()
    assert client.get(f"/org/titles/{outside.pk}/edit/").status_code == 404
    assert client.post(f"/org/titles/{outside.pk}/revoke/").status_code == 404
    assert client.get(f"/org/titles/{title.pk}/revoke/").status_code == 200
    client.post(f"/org/titles/{title.pk}/revoke/")
    assert not DemonstrationTitle.objects.filter(pk=title.pk).exists()
    entry = AuditEntry.objects.get(action="demonstration_title.revoke")
    assert entry.object_id == str(title.pk) and entry.unit == county["village_a1"]


def test_a_secretary_sees_titles_but_grants_none(county, users, client_for):
    title = demonstration_title_grant(
        party_org=county["village_a1"].party_org, year=2024, title="village", actor=SYSTEM
    )
    client = client_for(users["secretary_a1"])
    html = client.get("/org/titles/").content.decode()
    assert county["village_a1"].name in html and "/edit/" not in html and "/org/titles/new/" not in html
    assert client.get(f"/org/titles/{title.pk}/edit/").status_code == 403
    assert client.post(f"/org/titles/{title.pk}/revoke/").status_code == 403
    assert DemonstrationTitle.objects.filter(pk=title.pk).exists()
