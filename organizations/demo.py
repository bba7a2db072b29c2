"""The demo county's organization tree: a Shishou-like county-level city, built through the services.

Figures from docs/domain.md ("The organization tree"): 15 township-level units, 153 administrative villages,
23 urban communities.
"""

from accounts.permissions import SYSTEM

from .models import OrganizationUnit, UnitKind
from .services import units_bulk_create

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


def tree_rows(rng) -> list[dict]:
    """The county as rows for `units_bulk_create`, parents before children."""
    rows = [dict(name=CITY_NAME, code=CITY_CODE, kind=UnitKind.CITY, party_org_name="中共石首市委")]

    def add(name, code, kind, parent_code, sort_order=0, **extra):
        rows.append(dict(name=name, code=code, kind=kind, parent_code=parent_code, sort_order=sort_order, **extra))

    for i, name in enumerate(AGENCIES):
        add(name, f"421081A{i + 1:02d}", UnitKind.AGENCY, CITY_CODE, i, party_org_type="branch")
    for i, name in enumerate(NEW_ECONOMY):
        add(name, f"421081N{i + 1:02d}", UnitKind.NEW_ECONOMY, CITY_CODE, i)
    used_names: set[str] = set()
    community_names = iter(COMMUNITY_NAMES)
    for t_index, (t_name, t_kind, n_villages, n_communities) in enumerate(TOWNSHIPS, start=1):
        t_code = f"421081{100 + t_index:03d}000"
        add(t_name, t_code, t_kind, CITY_CODE, t_index, party_org_name=f"中共{t_name}委员会")
        for v in range(1, n_villages + 1):
            v_name, v_code = _village_name(rng, used_names), f"{t_code[:9]}{v:03d}"
            add(v_name, v_code, UnitKind.VILLAGE, t_code, v)
            for g in range(1, rng.randint(2, 4) + 1):
                add(f"{v_name}第{g}村民小组", f"{v_code}-G{g:02d}", UnitKind.GRID, v_code, g)
        for c in range(1, n_communities + 1):
            c_name, c_code = f"{next(community_names)}社区", f"{t_code[:9]}{200 + c:03d}"
            add(c_name, c_code, UnitKind.COMMUNITY, t_code, 100 + c, party_org_name=f"中共{c_name}委员会")
            for g in range(1, rng.randint(4, 6) + 1):
                g_name, g_code = f"{c_name}第{g}网格", f"{c_code}-G{g:02d}"
                add(g_name, g_code, UnitKind.GRID, c_code, g)
                for b in range(1, rng.randint(3, 5) + 1):
                    add(f"{g_name}{b}栋", f"{g_code}-B{b:02d}", UnitKind.BUILDING, g_code, b)
    return rows


def build_tree(rng) -> OrganizationUnit:
    """Create the county's units through the bulk service; returns the city."""
    units_bulk_create(rows=tree_rows(rng), actor=SYSTEM)
    return OrganizationUnit.objects.get(code=CITY_CODE)
