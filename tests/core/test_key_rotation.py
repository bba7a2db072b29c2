"""Key rotation: values written under key A are re-encrypted and re-hashed under key B by `rotate_field_key`;
afterwards every row decrypts with B alone, the values are unchanged and exact-match search works under B."""

import pytest
from cryptography.fernet import InvalidToken
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.permissions import SYSTEM
from cadres import services as cadres_services
from cadres.models import Person
from core import crypto
from tests.cadres.helpers import make_id

pytestmark = pytest.mark.django_db(transaction=False)

KEY_A = "rotation-test-key-A-0123456789abcdefghijklmnopqrstuv"
KEY_B = "rotation-test-key-B-zyxwvutsrqponmlkjihgfedcba987654"


def people(county, n=7):
    with override_settings(FIELD_ENCRYPTION_KEY=KEY_A, FIELD_ENCRYPTION_OLD_KEYS=[]):
        created = []
        for i in range(n):
            number = make_id()
            mobile = f"1380000{i:04d}" if i % 2 else ""  # some rows without a phone: blank stays blank
            cadres_services.person_create(
                name=f"轮换{i}", id_number=number, unit=county["village_a1"], actor=SYSTEM, mobile=mobile
            )
            created.append((number, mobile))
        return created


def test_encrypted_fields_are_found_by_convention():
    found = {(m._meta.label, f, h) for m, f, h in crypto.encrypted_fields()}
    assert ("cadres.Person", "id_number_encrypted", "id_number_hash") in found
    assert ("cadres.Person", "mobile_encrypted", "mobile_hash") in found


def test_rotate_from_a_to_b(county):
    values = people(county)
    with override_settings(FIELD_ENCRYPTION_KEY=KEY_A):
        before = {p.pk: (p.id_number_encrypted, p.id_number_hash) for p in Person.objects.all()}
    with override_settings(FIELD_ENCRYPTION_KEY=KEY_B, FIELD_ENCRYPTION_OLD_KEYS=[KEY_A]):
        # During the rotation window old values still read (MultiFernet) ...
        assert {crypto.decrypt(p.id_number_encrypted) for p in Person.objects.all()} == {v[0] for v in values}
        call_command("rotate_field_key", batch_size=3)  # 7 rows: batches of 3, 3 and 1
    with override_settings(FIELD_ENCRYPTION_KEY=KEY_B, FIELD_ENCRYPTION_OLD_KEYS=[]):
        rows = list(Person.objects.order_by("name"))
        assert [(crypto.decrypt(p.id_number_encrypted), crypto.decrypt(p.mobile_encrypted)) for p in rows] == values
        for p, (number, mobile) in zip(rows, values, strict=True):
            assert p.id_number_encrypted != before[p.pk][0]
            assert p.id_number_hash == crypto.search_hash(number) != before[p.pk][1]
            assert p.mobile_hash == (crypto.search_hash(mobile) if mobile else "")
            assert cadres_services.person_find_by_id_number(id_number=number) == p  # search works under B
    with override_settings(FIELD_ENCRYPTION_KEY=KEY_A, FIELD_ENCRYPTION_OLD_KEYS=[]):
        for p in rows:  # key A no longer opens anything
            with pytest.raises(ValueError):
                crypto.decrypt(p.id_number_encrypted)
            with pytest.raises(InvalidToken):
                crypto._fernet_for(KEY_A.encode()).decrypt(p.id_number_encrypted.encode())


def test_rotation_without_the_old_key_changes_nothing(county):
    people(county, n=2)
    with override_settings(FIELD_ENCRYPTION_KEY=KEY_A):
        before = sorted(Person.objects.values_list("id_number_encrypted", "id_number_hash"))
    with override_settings(FIELD_ENCRYPTION_KEY=KEY_B, FIELD_ENCRYPTION_OLD_KEYS=[]):
        with pytest.raises(CommandError, match="FIELD_ENCRYPTION_OLD_KEYS"):
            call_command("rotate_field_key")
    assert sorted(Person.objects.values_list("id_number_encrypted", "id_number_hash")) == before


def test_rotation_is_idempotent(county):
    values = people(county, n=2)
    with override_settings(FIELD_ENCRYPTION_KEY=KEY_B, FIELD_ENCRYPTION_OLD_KEYS=[KEY_A]):
        call_command("rotate_field_key")
        call_command("rotate_field_key")  # a second run (all under B already) is harmless
    with override_settings(FIELD_ENCRYPTION_KEY=KEY_B, FIELD_ENCRYPTION_OLD_KEYS=[]):
        got = sorted(crypto.decrypt(p.id_number_encrypted) for p in Person.objects.all())
    assert got == sorted(v[0] for v in values)
