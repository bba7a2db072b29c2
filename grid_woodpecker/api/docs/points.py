"""The OpenAPI text of points policies, accounts and ledger, stations, goods, redemptions and filing bars
(grid_woodpecker/api/views.py applies it)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema

from . import example, query_id, refused

POLICY = dict(
    list=extend_schema(
        summary=_("Points policy list"),
        description=_(
            "The points policies of the units of your jurisdiction, each from the date it takes effect; a new rule "
            "is a new row and the old ones stay as they were. A system client needs the scope clues:read."
        ),
    ),
    retrieve=extend_schema(
        summary=_("Points policy details"),
        description=_("One points policy of your jurisdiction. A system client needs the scope clues:read."),
    ),
    create=extend_schema(
        summary=_("Set a points policy"),
        description=_(
            "Sets a unit's (a city's) exchange rule from effective_from on: points per accepted clue, points per "
            "yuan of goods and the days before earned points expire (empty: never). Points already earned keep the "
            "rule they were earned under. A rule of the unit starting the same day answers 409 policy_exists; a unit "
            "outside your jurisdiction 403. Audited. A system client needs the scope clues:write."
        ),
        examples=[
            example(
                {
                    "unit": 1,
                    "effective_from": "2027-01-01",
                    "points_per_clue": 10,
                    "points_per_yuan": "10.00",
                    "expiry_days": 365,
                }
            )
        ],
    ),
    update=refused(_("Replace a points policy (unsupported)")),
    partial_update=refused(_("Change a points policy (unsupported)")),
    destroy=refused(_("Delete a points policy (unsupported)")),
)


ACCOUNT = dict(
    list=extend_schema(
        summary=_("Points account list"),
        description=_(
            "The points balances of the woodpeckers of your jurisdiction; a woodpecker sees their own. The entries "
            "behind them are in ledger/. A system client needs the scope clues:read."
        ),
    ),
    retrieve=extend_schema(
        summary=_("Points account details"),
        description=_("One points account you may see. A system client needs the scope clues:read."),
    ),
    update=refused(_("Replace a points account (unsupported)")),
    partial_update=refused(_("Change a points account (unsupported)")),
    destroy=refused(_("Delete a points account (unsupported)")),
)


ACCOUNT_ADJUST = dict(
    summary=_("Adjust points"),
    description=_(
        "Township or organization-department staff correct the balance of a woodpecker they can see (404 "
        "otherwise; 403 for grid workers and community secretaries) by at most 1000 points up or down (400 "
        "adjustment_zero, adjustment_range), with a reason (400 note_required); a debit beyond the balance "
        "answers 409 insufficient_points. Answers the new ledger entry (201); a retry with the same "
        "idempotency_key answers the first entry and posts nothing. Audited. A system client needs the scope "
        "clues:write."
    ),
    examples=[
        example(
            {
                "woodpecker": 5,
                "points": 20,
                "reason": "补记11月有效线索积分",
                "idempotency_key": "adjust-2026-12-001",
            }
        )
    ],
)


ENTRY = dict(
    list=extend_schema(
        summary=_("Points ledger"),
        description=_(
            "The append-only points ledger: the entries of the accounts you may see (a woodpecker: their own), each "
            "with the balance after it; filter by account, kind and clue. A system client needs the scope "
            "clues:read."
        ),
        parameters=[
            query_id("account", _("Only the entries of this points account (its id).")),
            query_id("clue", _("Only the entries for this clue (its id).")),
        ],
    ),
    retrieve=extend_schema(
        summary=_("Points entry details"),
        description=_("One entry of the points ledger you may see. A system client needs the scope clues:read."),
    ),
    update=refused(_("Replace a points entry (unsupported)")),
    partial_update=refused(_("Change a points entry (unsupported)")),
    destroy=refused(_("Delete a points entry (unsupported)")),
)


STATION = dict(
    list=extend_schema(
        summary=_("Station list"),
        description=_(
            "The Red Beehive stations and love supermarkets at units of your jurisdiction, with their services and "
            "coordinates. A system client needs the scope clues:read."
        ),
    ),
    retrieve=extend_schema(
        summary=_("Station details"),
        description=_("One station of your jurisdiction. A system client needs the scope clues:read."),
    ),
    create=extend_schema(
        summary=_("Open a station"),
        description=_(
            "Opens a station at a unit of your jurisdiction (403 outside it) with its kind, address, services and "
            "optional coordinates (both or neither: 400 coordinates_incomplete); a new station is always active "
            "(is_active is ignored here). Audited. A system client needs the scope clues:write."
        ),
        examples=[
            example(
                {
                    "unit": 4,
                    "name": "东岳山社区红色蜂巢驿站",
                    "kind": "red_beehive",
                    "address": "笔架山街道东岳山社区服务中心一楼",
                    "services": "休息、饮水、充电、应急药箱",
                    "latitude": "29.720500",
                    "longitude": "112.400800",
                    "is_active": True,
                }
            )
        ],
    ),
    partial_update=extend_schema(
        summary=_("Change a station"),
        description=_(
            "Changes a station's name, kind, address, services or coordinates (both or neither: 400 "
            "coordinates_incomplete), or closes it (is_active false); its unit never changes (ignored if sent). "
            "Audited. A system client needs the scope clues:write."
        ),
        examples=[example({"services": "休息、饮水、充电、应急药箱、爱心雨伞"})],
    ),
    update=refused(_("Replace a station (unsupported)")),
    destroy=refused(_("Delete a station (unsupported)")),
)


GOODS = dict(
    list=extend_schema(
        summary=_("Goods list"),
        description=_(
            "The goods on the shelves of the stations of your jurisdiction, with their price in yuan and their "
            "stock. A system client needs the scope clues:read."
        ),
    ),
    retrieve=extend_schema(
        summary=_("Goods details"),
        description=_("One item of a station of your jurisdiction. A system client needs the scope clues:read."),
    ),
    create=extend_schema(
        summary=_("Add goods"),
        description=_(
            "Puts an item on the shelf of a station of your jurisdiction (403 outside it), priced in yuan above "
            "zero with a stock not below zero (400 min_value); new goods are always active (is_active is ignored "
            "here). Audited. A system client needs the scope clues:write."
        ),
        examples=[
            example({"station": 2, "name": "洗衣液（2kg）", "price_yuan": "15.00", "stock": 20, "is_active": True})
        ],
    ),
    partial_update=extend_schema(
        summary=_("Change goods"),
        description=_(
            "Changes an item's name, price, stock or withdraws it (is_active false); its station never changes "
            "(ignored if sent). To add or take stock with a reason, use stock/. Audited. A system client needs the "
            "scope clues:write."
        ),
        examples=[example({"price_yuan": "12.50"})],
    ),
    update=refused(_("Replace goods (unsupported)")),
    destroy=refused(_("Delete goods (unsupported)")),
)


GOODS_STOCK = dict(
    summary=_("Adjust the stock"),
    description=_(
        "Adds to or takes from an item's stock with a reason (400 note_required), by at most 10000 at a time "
        "(400 adjustment_zero, adjustment_range), never below zero (400 stock_negative). Audited with the old "
        "and new stock. A system client needs the scope clues:write."
    ),
    examples=[example({"delta": 10, "reason": "新到货10瓶"})],
)


REDEMPTION = dict(
    list=extend_schema(
        summary=_("Redemption list"),
        description=_(
            "The redemptions of the woodpeckers and the stations of your jurisdiction; a woodpecker sees their own. "
            "pickup_code is shown only to the woodpecker who redeemed, while the goods wait. A system client needs "
            "the scope clues:read."
        ),
    ),
    retrieve=extend_schema(
        summary=_("Redemption details"),
        description=_("One redemption you may see. A system client needs the scope clues:read."),
    ),
    create=extend_schema(
        summary=_("Redeem points"),
        description=_(
            "A woodpecker reserves goods at a station near them (404 for other or withdrawn goods; 403 for callers "
            "who are not woodpeckers) for points: the points and the stock are held together, and a 6-digit pickup "
            "code is given in the answer and a notification. Refused: 409 woodpecker_inactive, goods_withdrawn, "
            "out_of_stock, insufficient_points. A retry with the same idempotency_key answers the first redemption. "
            "Audited. A system client needs the scope clues:write."
        ),
        examples=[example({"goods": 5, "quantity": 1, "idempotency_key": "redeem-20261202-001"})],
    ),
    update=refused(_("Replace a redemption (unsupported)")),
    partial_update=refused(_("Change a redemption (unsupported)")),
    destroy=refused(_("Delete a redemption (unsupported)")),
)


REDEMPTION_CONFIRM = dict(
    summary=_("Confirm a hand-out"),
    description=_(
        "The counter (staff of the station's or of the woodpecker's jurisdiction, 403 otherwise) confirms that "
        "the goods were handed over, having checked the woodpecker itself; the reservation becomes final. A "
        "settled redemption answers 409 redemption_settled. No body. Audited. A system client needs the scope "
        "clues:write."
    ),
)


REDEMPTION_CANCEL = dict(
    summary=_("Cancel a redemption"),
    description=_(
        "The woodpecker or the counter cancels a reservation (403 for anyone else): the stock comes back and "
        "the points are refunded in the ledger. A settled redemption answers 409 redemption_settled. No body. "
        "Audited. A system client needs the scope clues:write."
    ),
)


REDEMPTION_HAND_OUT = dict(
    summary=_("Hand out by pickup code"),
    description=_(
        "The station's counter (a station of your jurisdiction, 404 otherwise; 403 without counter rights) "
        "hands out the redemption waiting there under the woodpecker's pickup code. A wrong code answers 400 "
        "pickup_code_wrong and is counted: past 5 wrong codes at a station in 10 minutes it answers 429 "
        "pickup_locked with Retry-After. Audited. A system client needs the scope clues:write."
    ),
    examples=[example({"station": 2, "pickup_code": "483920"})],
)


ABUSE = dict(
    list=extend_schema(
        summary=_("Filing bar list"),
        description=_(
            "The logins barred from filing clues in units of your jurisdiction, newest first, with the reason and "
            "until when (empty: until removed). A system client needs the scope clues:read."
        ),
    ),
    retrieve=extend_schema(
        summary=_("Filing bar details"),
        description=_("One bar of your jurisdiction. A system client needs the scope clues:read."),
    ),
    create=extend_schema(
        summary=_("Bar a login from filing"),
        description=_(
            "Bars a login from filing clues in a unit of your jurisdiction and the units under it (403 outside it), "
            "with a reason (400 note_required), until a time or until removed; its clues are then refused with 400 "
            "abuse_listed. Audited. A system client needs the scope clues:write."
        ),
        examples=[
            example(
                {"user": 15, "unit": 4, "reason": "一天内重复上报无效线索20余条", "until": "2027-01-01T00:00:00+08:00"}
            )
        ],
    ),
    destroy=extend_schema(
        summary=_("Lift a filing bar"),
        description=_(
            "Lifts a bar: the entry is deleted (204) and the login may file clues again. Audited. A system client "
            "needs the scope clues:write."
        ),
    ),
    update=refused(_("Replace a filing bar (unsupported)")),
    partial_update=refused(_("Change a filing bar (unsupported)")),
)
