import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.permissions import SYSTEM
from organizations import services
from organizations.models import OrganizationUnit

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_concurrent_creations_of_one_code_give_one_unit_and_one_clear_refusal(county):
    barrier = threading.Barrier(2)
    outcomes = []

    def create(name):
        try:
            barrier.wait(timeout=10)
            services.unit_create(name=name, code="RACE00001", kind="village", parent=county["township_a"], actor=SYSTEM)
            outcomes.append("created")
        except ValidationError as exc:
            outcomes.append(exc.message_dict.get("code", exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(f"并发村{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(map(str, outcomes)) == sorted(["created", str(["该编码已被其他组织使用。"])])
    assert OrganizationUnit.objects.filter(code="RACE00001").count() == 1
