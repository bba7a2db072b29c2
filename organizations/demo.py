"""The demo county's organization tree: a Shishou-like county-level city, built through the services.

Figures from DOMAIN.md: 15 township-level units, 153 administrative villages, 23 urban communities.
"""

from .models import UnitKind
from .services import unit_create

CITY_CODE = "421081000000"
CITY_NAME = "石首市"

# (name, kind, villages, communities)
TOWNSHIPS = [
    ("绣林街道", UnitKind.STREET, 4, 9),
    ("笔架山街道", UnitKind.STREET, 5, 7),
    ("石首经济开发区", UnitKind.DEVELOPMENT_ZONE, 3, 2),
    ("东升镇", UnitKind.TOWNSHIP, 13, 1),
    ("高基庙镇", UnitKind.TOWNSHIP, 12, 1),
    ("南口镇", UnitKind.TOWNSHIP, 11, 0),
    ("高陵镇", UnitKind.TOWNSHIP, 10, 1),
    ("团山寺镇", UnitKind.TOWNSHIP, 12, 0),
    ("调关镇", UnitKind.TOWNSHIP, 13, 1),
    ("桃花山镇", UnitKind.TOWNSHIP, 10, 0),
    ("大垸镇", UnitKind.TOWNSHIP, 12, 0),
    ("小河口镇", UnitKind.TOWNSHIP, 13, 0),
    ("久合垸乡", UnitKind.TOWNSHIP, 10, 0),
    ("横沟市镇", UnitKind.TOWNSHIP, 13, 1),
    ("新厂镇", UnitKind.TOWNSHIP, 12, 0),
]
assert len(TOWNSHIPS) == 15
assert sum(t[2] for t in TOWNSHIPS) == 153 and sum(t[3] for t in TOWNSHIPS) == 23

VILLAGE_SYLLABLES = "东西南北新老上下前后长青红桃李杨柳高石河湖塘港口台坪岭林湾洲岗庙桥"
VILLAGE_ENDINGS = ["村", "村", "村", "垸村", "湾村", "岭村", "洲村", "口村"]
COMMUNITY_NAMES = (
    "绣林 江北 南岳 东岳 金平 文峰 新城 阳岐 笔架 山底 天鹅 滨江 建设 城南 城北 城东 民主 五一 人民 和平 友谊 胜利 幸福"
).split()
AGENCIES = ["中共石首市委组织部", "石首市城市管理执法局", "石首市住房和城乡建设局", "石首市民政局", "石首市应急管理局"]
NEW_ECONOMY = ["石首市外卖配送行业联合党支部", "石首市快递物流行业联合党支部"]


def _village_name(rng, used):
    while True:
        name = rng.choice(VILLAGE_SYLLABLES) + rng.choice(VILLAGE_SYLLABLES) + rng.choice(VILLAGE_ENDINGS)
        if name not in used:
            used.add(name)
            return name


def build_tree(rng) -> dict:
    """Create the county's units; returns the notable units the demo users are given roles at."""
    city = unit_create(
        name=CITY_NAME, code=CITY_CODE, kind=UnitKind.CITY, parent=None, actor=None, party_org_name="中共石首市委"
    )
    for i, name in enumerate(AGENCIES):
        unit_create(
            name=name,
            code=f"421081A{i + 1:02d}",
            kind=UnitKind.AGENCY,
            parent=city,
            actor=None,
            party_org_type="branch",
        )
    for i, name in enumerate(NEW_ECONOMY):
        unit_create(name=name, code=f"421081N{i + 1:02d}", kind=UnitKind.NEW_ECONOMY, parent=city, actor=None)
    used_names: set[str] = set()
    community_names = iter(COMMUNITY_NAMES)
    notable = {"city": city, "department": None, "townships": []}
    for t_index, (t_name, t_kind, n_villages, n_communities) in enumerate(TOWNSHIPS, start=1):
        t_code = f"421081{100 + t_index:03d}000"
        township = unit_create(
            name=t_name,
            code=t_code,
            kind=t_kind,
            parent=city,
            actor=None,
            party_org_name=f"中共{t_name}委员会",
            sort_order=t_index,
        )
        notable["townships"].append(township)
        for v in range(1, n_villages + 1):
            village = unit_create(
                name=_village_name(rng, used_names),
                code=f"{t_code[:9]}{v:03d}",
                kind=UnitKind.VILLAGE,
                parent=township,
                actor=None,
                sort_order=v,
            )
            for g in range(1, rng.randint(2, 4) + 1):
                unit_create(
                    name=f"{village.name}第{g}村民小组",
                    code=f"{village.code}-G{g:02d}",
                    kind=UnitKind.GRID,
                    parent=village,
                    actor=None,
                    sort_order=g,
                )
        for c in range(1, n_communities + 1):
            c_name = f"{next(community_names)}社区"
            community = unit_create(
                name=c_name,
                code=f"{t_code[:9]}{200 + c:03d}",
                kind=UnitKind.COMMUNITY,
                parent=township,
                actor=None,
                party_org_name=f"中共{c_name}委员会",
                sort_order=100 + c,
            )
            for g in range(1, rng.randint(4, 6) + 1):
                grid = unit_create(
                    name=f"{c_name}第{g}网格",
                    code=f"{community.code}-G{g:02d}",
                    kind=UnitKind.GRID,
                    parent=community,
                    actor=None,
                    sort_order=g,
                )
                for b in range(1, rng.randint(3, 5) + 1):
                    unit_create(
                        name=f"{grid.name}{b}栋",
                        code=f"{grid.code}-B{b:02d}",
                        kind=UnitKind.BUILDING,
                        parent=grid,
                        actor=None,
                        sort_order=b,
                    )
    return notable
