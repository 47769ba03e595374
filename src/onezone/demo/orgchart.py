"""The demo district's organisation, as data: zones, bodies, units and how many posts each
unit has. Synthetic: the structure follows the reform, the people are invented."""

from onezone.org.choices import BodyKind, UnitKind

ZONES = [
    {
        "code": "chip_valley",
        "name": "成都芯谷",
        "name_en": "Chengdu Chip Valley",
        "industry_focus": "集成电路",
    },
    {
        "code": "aviation",
        "name": "双流航空经济区",
        "name_en": "Shuangliu Aviation Economic Zone",
        "industry_focus": "航空运输与航空制造",
    },
    {
        "code": "biomed",
        "name": "双流生物医药产业园（演示）",
        "name_en": "Shuangliu Biomedicine Park (demo)",
        "industry_focus": "生物医药",
    },
]

# Units of each zone committee: (name, kind, front line, (min posts, max posts), (min, max) at
# full scale). The full-scale staffing gives the district its 929 liaisons, most of them in the
# zones' enterprise-service units and the stationed units; a zone's weight (ZONE_STAFF_WEIGHT)
# scales it, and the small ranges are the floor when the seeder runs scaled down. The office and
# coordination units grow with the zone too, so the coordination share stays near the reformed
# district's (about a quarter, down from 64 %) rather than vanishing under the liaisons.
COMMITTEE_UNITS = [
    ("综合办公室", UnitKind.GENERAL_OFFICE, False, (4, 6), (48, 54)),
    ("统筹协调部", UnitKind.COORDINATION, False, (4, 6), (52, 58)),
    ("投资促进部", UnitKind.INVESTMENT_ATTRACTION, True, (10, 14), (18, 24)),
    ("企业服务部", UnitKind.ENTERPRISE_SERVICE, True, (9, 12), (80, 90)),
    ("企业服务中心", UnitKind.ENTERPRISE_SERVICE, True, (6, 8), (100, 110)),
    ("规划建设部", UnitKind.PLANNING_CONSTRUCTION, True, (5, 7), None),
]
# The committee's leadership (领导班子): director, deputies and members of the working
# committee; the first two also lead the merged lead bureau.
COMMITTEE_LEADER_TITLES = [
    "主任",
    "常务副主任",
    "副主任",
    "副主任",
    "副主任",
    "党工委委员",
    "党工委委员",
]
# Units of at least this many posts have two deputy heads besides the head.
DEPUTIES_FROM_SIZE = 30
ZONE_STAFF_WEIGHT = {"chip_valley": 1.0, "aviation": 1.0, "biomed": 0.6}

# Lead bureaus merged with a committee (合署办公) and their own units.
LEAD_BUREAUS = [
    {"name": "区发展和改革局", "short_name": "区发改局", "zone": "chip_valley"},
    {"name": "区航空经济局", "short_name": "区航空经济局", "zone": "aviation"},
]
LEAD_UNITS = [
    ("办公室", UnitKind.GENERAL_OFFICE, False, (2, 3), None),
    ("产业发展科", UnitKind.ENTERPRISE_SERVICE, True, (4, 6), (20, 26)),
]

# The five factor-guarantee functional bureaus; each stations two units in every zone.
FUNCTIONAL_BUREAUS = [
    ("区规划和自然资源局", "区规自局"),
    ("区住房建设和交通运输局", "区住建交局"),
    ("区生态环境局", "区生态环境局"),
    ("区行政审批局", "区行政审批局"),
    ("区综合行政执法局", "区综合执法局"),
]
STATIONED_UNITS = [
    ("园区服务科", UnitKind.PARK_SERVICE, (2, 4), (18, 22)),
    ("园区执法大队", UnitKind.PARK_ENFORCEMENT, (2, 3), (10, 14)),
]
HEADQUARTERS_UNIT = ("机关办公室", UnitKind.GENERAL_OFFICE, False, (2, 3))
# Every bureau's leadership: the director and deputies (chief representatives come from here).
FUNCTIONAL_LEADER_TITLES = ["局长", "副局长", "副局长", "副局长"]
SECTORAL_LEADER_TITLES = ["局长", "副局长", "副局长"]

# The fifteen industry-related sectoral bureaus; each sets up an investment promotion section.
SECTORAL_BUREAUS = [
    ("区水务局", "区水务局"),
    ("区卫生健康局", "区卫健局"),
    ("区教育局", "区教育局"),
    ("区经济和信息化局", "区经信局"),
    ("区商务局", "区商务局"),
    ("区科学技术局", "区科技局"),
    ("区农业农村局", "区农业农村局"),
    ("区文化广电旅游体育局", "区文广旅局"),
    ("区人力资源和社会保障局", "区人社局"),
    ("区民政局", "区民政局"),
    ("区财政局", "区财政局"),
    ("区市场监督管理局", "区市场监管局"),
    ("区应急管理局", "区应急局"),
    ("区统计局", "区统计局"),
    ("区司法局", "区司法局"),
]
PROMOTION_UNIT = ("投资促进科", UnitKind.INVESTMENT_PROMOTION, (2, 3), (6, 8))

OTHER_BODIES = [
    {"name": "东升街道办事处（演示）", "short_name": "东升街道", "kind": BodyKind.TOWN},
    {"name": "区属产业投资有限公司（演示）", "short_name": "区产投公司", "kind": BodyKind.SOE},
]

# Spare places in each quota, so a demo administrator can add posts.
QUOTA_SLACK = 3

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许"
    "韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
)
GIVEN_CHARACTERS = (
    "嘉思雨欣怡子涵宇轩浩然博文俊杰晨曦梓萱若彤明远志强国栋海燕丽华建平晓东佳琪一诺诗语天佑"
)
