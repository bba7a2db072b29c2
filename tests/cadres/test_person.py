from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.permissions import SYSTEM
from cadres import services
from cadres.models import Person, PersonalDataReveal
from cadres.validators import id_check_digit, parse_resident_id

pytestmark = pytest.mark.django_db


def make_id(birth="19900307", seq="123", region="421081"):
    first17 = f"{region}{birth}{seq}"
    return first17 + id_check_digit(first17)


def test_check_digit_known_value():
    # The worked example of GB 11643: 11010519491231002X.
    assert id_check_digit("11010519491231002") == "X"
    number, birth, gender = parse_resident_id("11010519491231002x")
    assert number.endswith("X") and birth == date(1949, 12, 31) and gender == "F"


def wrong_check_digit(number):
    return number[:-1] + ("1" if number[-1] != "1" else "2")


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        ("42108119900307123", "id_number_format"),
        ("4210811990030712X5", "id_number_format"),
        ("421081199002301231", "id_number_birth_date"),
        (wrong_check_digit(make_id()), "id_number_check_digit"),
    ],
)
def test_bad_id_numbers_refused(bad, code):
    with pytest.raises(ValidationError) as info:
        parse_resident_id(bad)
    assert info.value.code == code


def test_person_derives_birth_and_gender_and_masks(county):
    number = make_id(seq="125")  # 5: odd → male
    person = services.person_create(
        name="张三", id_number=number, mobile="138-1234-5678", unit=county["village_a1"], actor=SYSTEM
    )
    assert person.birth_date == date(1990, 3, 7) and person.gender == "M"
    # Only the first and last character: the birth date, sequence and region stay hidden (issue 9).
    assert person.id_number_masked == "4" + "*" * 16 + number[-1]
    assert person.mobile_masked == "138****5678"
    assert number not in person.id_number_encrypted and "13812345678" not in person.mobile_encrypted
    assert services.person_find_by_id_number(id_number=number.lower()) == person


def test_typed_birth_date_and_gender_must_match(county):
    with pytest.raises(ValidationError) as info:
        services.person_create(
            name="李四",
            id_number=make_id(seq="124"),
            unit=county["village_a1"],
            actor=SYSTEM,
            birth_date=date(1991, 1, 1),
            gender="M",
        )
    assert {"birth_date", "gender"} <= set(info.value.message_dict)
    assert not Person.objects.exists()


def test_duplicate_person_refused(county):
    number = make_id()
    services.person_create(name="王五", id_number=number, unit=county["village_a1"], actor=SYSTEM)
    with pytest.raises(ValidationError) as info:
        services.person_create(name="王五", id_number=number, unit=county["village_b1"], actor=SYSTEM)
    assert info.value.message_dict["id_number"] == ["该身份证号码已登记。"]


def test_reveal_is_logged_and_limited_by_role_and_scope(county, users):
    number = make_id()
    person = services.person_create(
        name="赵六", id_number=number, mobile="13912345678", unit=county["village_a1"], actor=SYSTEM
    )
    assert services.person_reveal(person=person, field="id_number", actor=users["staff_a"]) == number
    assert services.person_reveal(person=person, field="mobile", actor=users["secretary_a1"]) == "13912345678"
    assert list(PersonalDataReveal.objects.values_list("actor__username", "field")) in (
        [("secretary_a1", "mobile"), ("staff_a", "id_number")],
        [("staff_a", "id_number"), ("secretary_a1", "mobile")],
    )
    with pytest.raises(PermissionDenied):
        services.person_reveal(person=person, field="id_number", actor=users["staff_b"])
    with pytest.raises(PermissionDenied):
        services.person_reveal(person=person, field="id_number", actor=users["woodpecker_ac"])
    assert PersonalDataReveal.objects.count() == 2
