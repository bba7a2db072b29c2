"""Default targets: the Jingzhou three-year plan table (docs/domain.md "Annual goals"), loaded for a city scope."""

from decimal import Decimal

JINGZHOU_TABLE: dict[str, dict[int, Decimal]] = {
    "demonstration_counties": {2022: Decimal(2), 2023: Decimal(2), 2024: Decimal(2)},
    "demonstration_townships": {2022: Decimal(10), 2023: Decimal(20), 2024: Decimal(30)},
    "demonstration_streets": {2022: Decimal(5), 2023: Decimal(5), 2024: Decimal(5)},
    "demonstration_villages": {2022: Decimal(100), 2023: Decimal(200), 2024: Decimal(300)},
    "demonstration_communities": {2022: Decimal(30), 2023: Decimal(40), 2024: Decimal(50)},
    "smart_platform_streets": {2022: Decimal(2), 2023: Decimal(3), 2024: Decimal(4)},
    "villages_income_over_200k": {2022: Decimal(50), 2023: Decimal(60), 2024: Decimal(70)},
}
