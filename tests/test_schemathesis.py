"""schemathesis over the whole OpenAPI schema against the running test server.

Every operation of the schema is called with generated valid (positive) and invalid (negative) requests, as a
township staff user with an API token, against pytest-django's live server. A fixed seed (`derandomize`) and a
bounded number of examples per operation keep the run repeatable and short. The run passes when no response is a
server error (5xx) and every documented response matches its schema.

The schema is built in-process with drf-spectacular's generator, so the test does not depend on who may read the
schema endpoint.
"""

import pytest
import requests
import schemathesis
from django.core.cache import cache
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

POSITIVE_EXAMPLES = 5
NEGATIVE_EXAMPLES = 3
CHECKS = [not_a_server_error, response_schema_conformance]


def _schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(document)


def _build_data():
    """The test county with a record of most kinds, so that lists return rows whose schema is checked."""
    from grid_woodpecker import services as wp_services
    from tests.cadres import helpers as cadres_helpers
    from tests.collective_economy import helpers as economy_helpers
    from tests.grid_woodpecker import helpers as wp_helpers

    county = factories.build_county()
    users = factories.build_users(county)
    cadres_helpers.member(county["village_a1"])
    cadres_helpers.activist(county["village_a1"])
    cadres_helpers.secretary_post(county["village_a2"])
    economy_helpers.approved(county["village_a1"], 2024, 150000)
    world = wp_helpers.staff(county)
    category = wp_helpers.category(county["city"])
    woodpecker = wp_helpers.woodpecker(county["grid_ac"])
    clue = wp_services.clue_submit(
        actor=woodpecker.user, category=category, description="路灯不亮了请修", check_limits=False
    )
    wp_services.clue_accept(clue=clue, actor=world["gridworker"])
    wp_helpers.station_with_goods(county["community_a"])
    return county, users


def _run_operation(operation, mode, examples, base_url, session, failures):
    @settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        try:
            response = case.call(base_url=base_url, session=session, timeout=30)
        except (requests.exceptions.InvalidHeader, requests.exceptions.InvalidURL, ValueError):
            return  # the client refused to send it (e.g. a control character in a header): nothing reached us
        try:
            case.validate_response(response, checks=CHECKS)
        except (FailureGroup, Exception) as exc:  # noqa: BLE001 — every failure is collected and reported at the end
            failures.append(f"{operation.label} [{mode.value}] {response.status_code}: {str(exc)[:600]}")

    try:
        run()
    except Unsatisfiable:
        # No invalid request can be built for an operation without parameters or body (e.g. a list with no filters).
        if mode is not schemathesis.GenerationMode.NEGATIVE:
            raise


def test_api_schema_holds(live_server, settings):
    # Rates high enough that the fuzzing never meets a 429 (tests/test_throttling.py checks the limits).
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {key: "100000/minute" for key in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]},
    }
    cache.clear()
    _county, users = _build_data()
    token = Token.objects.create(user=users["staff_a"])
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token.key}"
    schema = _schema()
    failures = []
    count = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        count += 1
        _run_operation(
            operation, schemathesis.GenerationMode.POSITIVE, POSITIVE_EXAMPLES, live_server.url, session, failures
        )
        _run_operation(
            operation, schemathesis.GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES, live_server.url, session, failures
        )
    assert count > 100
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)
