"""schemathesis over the whole OpenAPI schema against the running test server.

Every operation of the schema is called with generated valid (positive) and invalid (negative) requests, as a
township staff user with an API token, against pytest-django's live server. A fixed seed (`derandomize`) and a
bounded number of examples per operation keep the run repeatable and short. The run passes when no response is a
server error (5xx) and every documented response matches its schema.

The schema is built in-process with drf-spectacular's generator, so the test does not depend on who may read the
schema endpoint.
"""

from decimal import Decimal

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
REAL_ID_EXAMPLES = 3  # per detail operation, with the id of a row the user can see
CHECKS = [not_a_server_error, response_schema_conformance]


def _build_data():
    """The test county with a record of most kinds, so that lists return rows whose schema is checked."""
    from cadres import services as cadres_services
    from collective_economy import services as economy_services
    from goals import indicators
    from goals import services as goals_services
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
    _station, goods = wp_helpers.station_with_goods(county["community_a"], price="1.00")
    wp_services.redemption_reserve(woodpecker=woodpecker, goods=goods, actor=woodpecker.user)
    staff = users["staff_a"]
    person = cadres_helpers.person(county["village_a1"])
    cadres_services.assessment_record(
        person=person, unit=county["village_a1"], year=2024, score=Decimal("88.5"), actor=staff
    )
    economy_services.competition_create(unit=county["township_a"], year=2024, name="项目比武", actor=staff)
    economy_services.threshold_target_set(
        unit=county["township_a"], year=2024, threshold=Decimal("100000"), target_share=Decimal("50"), actor=staff
    )
    # A target the test county (a county-level city) takes: demonstration counties are a prefecture's.
    indicator = next(i.key for i in indicators.all_indicators() if not i.target_kinds)
    goals_services.target_set(indicator=indicator, unit=county["city"], year=2024, value=10, actor=users["city_staff"])
    return county, users


def _real_ids(schema_document, base_url, session):
    """The first row's id of every list the user can read, by list path."""
    ids = {}
    for path, item in schema_document["paths"].items():
        if "{" in path or "get" not in item:
            continue
        response = session.get(base_url + path, timeout=30)
        if response.status_code != 200:
            continue
        body = response.json()
        rows = body.get("results") if isinstance(body, dict) else body
        if isinstance(rows, list) and rows and isinstance(rows[0], dict) and "id" in rows[0]:
            ids[path] = rows[0]["id"]
    return ids


def _run_operation(operation, mode, examples, base_url, session, failures, path_parameters=None):
    @settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    def run(case):
        try:
            response = case.call(base_url=base_url, session=session, timeout=30)
        except (requests.exceptions.InvalidHeader, requests.exceptions.InvalidURL, ValueError):
            return  # the client refused to send it (e.g. a control character in a header): nothing reached us
        try:
            case.validate_response(response, checks=CHECKS)
        except (FailureGroup, Exception) as exc:  # noqa: BLE001 — every failure is collected and reported at the end
            label = f"{mode.value}, id={path_parameters['id']}" if path_parameters else mode.value
            failures.append(f"{operation.label} [{label}] {response.status_code}: {str(exc)[:600]}")

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
    document = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(document)
    ids = _real_ids(document, live_server.url, session)
    assert len(ids) >= 10
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 100
    for operation in operations:
        _run_operation(
            operation, schemathesis.GenerationMode.POSITIVE, POSITIVE_EXAMPLES, live_server.url, session, failures
        )
        _run_operation(
            operation, schemathesis.GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES, live_server.url, session, failures
        )
    # Then every detail route and action on a real row (deletions last, so the other operations still find it).
    for operation in sorted(operations, key=lambda op: op.method.upper() == "DELETE"):
        prefix = operation.path.split("{id}")[0]
        if "{id}" in operation.path and prefix in ids:
            _run_operation(
                operation,
                schemathesis.GenerationMode.POSITIVE,
                REAL_ID_EXAMPLES,
                live_server.url,
                session,
                failures,
                path_parameters={"id": ids[prefix]},
            )
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)
