import pytest
from django.core.cache import cache

from tests.grid_woodpecker import helpers


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def wp_world(county, users):
    """A category for the city, a woodpecker with a login in grid AC, and the staff around it."""
    world = helpers.staff(county)
    world["category"] = helpers.category(county["city"])
    world["other_category"] = helpers.category(county["city"], code="rubbish", name="垃圾堆放", deadline_days=2)
    world["woodpecker"] = helpers.woodpecker(county["grid_ac"])
    world["wp_user"] = world["woodpecker"].user
    return world
