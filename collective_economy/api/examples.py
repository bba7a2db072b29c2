"""Example data of the collective economy API's OpenAPI schema (collective_economy/api/schema.py).

Shishou's demo data: 石首市 421081, 新厂镇 421081100, 杨家潭村 421081100201. Amounts are decimal strings in yuan, as
the API gives them."""

INCOME_REPORT = {
    "id": 12,
    "village": 57,
    "village_code": "421081100201",
    "village_name": "杨家潭村",
    "year": 2024,
    "version": 1,
    "status": "approved",
    "total_income": "268000.00",
    "operating_income": "185000.00",
    "income_sources": "村集体鱼塘发包收入、光伏电站收益",
    "development_model": "resource",
    "assets": "1520000.00",
    "debt": "86000.00",
    "correction_reason": "",
    "return_reason": "",
    "previous": None,
    "submitted_at": "2025-01-10T09:30:00+08:00",
    "reviewed_at": "2025-01-15T16:05:00+08:00",
}

FIGURES = {
    "total_income": "268000.00",
    "operating_income": "185000.00",
    "income_sources": "村集体鱼塘发包收入、光伏电站收益",
    "development_model": "resource",
    "assets": "1520000.00",
    "debt": "86000.00",
}

PROJECT = {
    "village_code": "421081100201",
    "name": "杨家潭村光伏电站",
    "development_model": "asset",
    "investment": "450000.00",
    "partners": "石首市新厂镇农业专业合作社",
    "status": "operating",
    "start_year": 2023,
    "description": "村集体建设的 200 千瓦屋顶光伏电站，收益归村集体。",
}

PROJECT_SHOWN = {
    "id": 8,
    "village": 57,
    **PROJECT,
}

THRESHOLD_TARGET = {"unit_code": "421081100", "year": 2025, "threshold": "200000.00", "target_share": "70.00"}

TARGET_SHOWN = {"id": 5, "unit": 14, **THRESHOLD_TARGET}

REWARD = {
    "id": 31,
    "village": 57,
    "village_code": "421081100201",
    "village_name": "杨家潭村",
    "year": 2024,
    "scheme": 2,
    "amount": "30000.00",
    "explanation": [
        "200,000.00元门槛：集体经济总收入由 185,000.00 元增至 268,000.00 元，跨越门槛：奖励 30,000.00 元。",
        "奖励：30,000.00 元。",
    ],
    "computed_at": "2025-02-01T10:00:00+08:00",
}

SHARES = {
    "scope": "421081100",
    "year": 2024,
    "villages": 12,
    "reported": 11,
    "shares": [
        {
            "threshold": "100000.00",
            "villages": 12,
            "reported": 11,
            "missing": 1,
            "over": 10,
            "share_of_reported": "90.91",
            "share_of_all": "83.33",
            "target_share": None,
            "target_met": None,
        },
        {
            "threshold": "200000.00",
            "villages": 12,
            "reported": 11,
            "missing": 1,
            "over": 8,
            "share_of_reported": "72.73",
            "share_of_all": "66.67",
            "target_share": "70.00",
            "target_met": False,
        },
    ],
    "missing": ["421081100208"],
    "debt_grew": [{"village": "421081100204", "debt_growth": "12000.00"}],
}
