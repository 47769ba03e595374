"""The demo district's enterprises, as data: how many per zone, their industries, name parts,
tag odds and the words of visits. Synthetic: the companies, people and phones are invented."""

from datetime import date

# How many enterprises each zone holds and how many people serve them, at full scale
# (`onezone seed --demo`). The service numbers are the district's: 929 liaisons and 133 chief
# representatives in all; the seeder scales every number down for fast tests.
ZONE_PLAN = {
    "chip_valley": {"enterprises": 820, "liaisons": 381, "chief_representatives": 55},
    "aviation": {"enterprises": 780, "liaisons": 362, "chief_representatives": 52},
    "biomed": {"enterprises": 400, "liaisons": 186, "chief_representatives": 26},
}

# Region code of 双流区 on new registrations (the county became a district in 2015).
REGION_CODE = "510116"
# Registration authority 9 (market regulation), entity type 1 (enterprise).
USCC_PREFIX = "91"

FIRST_FIGURE_YEAR = 2023
LAST_FIGURE_YEAR = 2025
# Registration dates: the oldest firms date from the county's development zone.
OLDEST_REGISTRATION = date(1998, 3, 1)
NEWEST_REGISTRATION = date(2024, 11, 30)
# Share of start-ups (registered in the last two years) so every development stage occurs.
STARTUP_SHARE = 0.16

# Industries per zone: (GB/T 4754-2017 class, weight, words for the name, profile).
# Profiles set revenue per employee, R&D intensity and how fast such firms grow.
ZONE_INDUSTRIES = {
    "chip_valley": [
        ("6520", 22, ("集成电路设计", "芯片设计", "微电子"), "chip_design"),
        ("3973", 14, ("集成电路", "半导体", "芯片"), "chip_making"),
        ("3972", 8, ("半导体器件", "功率半导体", "分立器件"), "chip_making"),
        ("3974", 6, ("显示科技", "光显", "显示器件"), "chip_making"),
        ("3976", 5, ("光电子", "光电"), "chip_making"),
        ("3981", 4, ("电子元件", "电子材料"), "electronics"),
        ("3979", 5, ("电子器件", "电子科技"), "electronics"),
        ("6513", 10, ("软件", "信息技术", "智能科技"), "software"),
        ("6531", 6, ("系统集成", "信息系统"), "software"),
        ("7452", 4, ("检测技术", "芯片测试"), "services"),
        ("7320", 4, ("技术研究院", "工程技术"), "research"),
        ("5821", 3, ("供应链", "物流"), "logistics"),
    ],
    "aviation": [
        ("4343", 16, ("航空维修", "飞机维修", "航空技术"), "aviation_maintenance"),
        ("3744", 10, ("航空设备", "航空部件", "航空科技"), "aviation_manufacturing"),
        ("3741", 3, ("飞机制造", "无人机"), "aviation_manufacturing"),
        ("3743", 3, ("航天设备", "航天科技"), "aviation_manufacturing"),
        ("5631", 3, ("机场服务", "航空地面服务"), "services"),
        ("5639", 6, ("航空服务", "航空保障"), "services"),
        ("5821", 12, ("国际货运代理", "货运代理", "供应链"), "logistics"),
        ("5810", 5, ("多式联运", "联运"), "logistics"),
        ("5920", 6, ("仓储", "物流园"), "logistics"),
        ("5990", 4, ("冷链仓储", "仓储服务"), "logistics"),
        ("6020", 6, ("快递", "速运"), "logistics"),
        ("3311", 4, ("钢结构", "金属结构"), "manufacturing"),
        ("3489", 5, ("精密零部件", "机械零部件"), "manufacturing"),
        ("3360", 3, ("表面处理", "热处理"), "manufacturing"),
        ("3399", 3, ("金属制品", "精密制造"), "manufacturing"),
    ],
    "biomed": [
        ("2720", 12, ("制药", "药业"), "pharma"),
        ("2710", 5, ("医药化工", "原料药"), "pharma"),
        ("2740", 6, ("中药", "中医药"), "pharma"),
        ("2730", 3, ("中药饮片", "药材"), "pharma"),
        ("2761", 9, ("生物制药", "生物技术", "生物科技"), "biotech"),
        ("2762", 5, ("基因技术", "疫苗"), "biotech"),
        ("2770", 5, ("医用材料", "医疗用品"), "medical_devices"),
        ("3581", 6, ("医疗设备", "医疗器械"), "medical_devices"),
        ("3584", 5, ("医疗器械", "外科器械"), "medical_devices"),
        ("3583", 3, ("医学检验设备", "实验室设备"), "medical_devices"),
        ("3586", 2, ("康复器具", "康复科技"), "medical_devices"),
        ("7340", 12, ("医药研发", "临床研究", "新药研究院"), "research"),
        ("7451", 3, ("检验检疫", "检测认证"), "services"),
    ],
}

# Per profile: revenue per employee (10,000 CNY, low-high), R&D share of revenue (low-high),
# share of staff in R&D (low-high), invention patents per 100 employees (mean), and the
# weights of the growth profiles below.
PROFILES = {
    "chip_design": ((30, 90), (0.12, 0.30), (0.35, 0.70), 12.0, (1, 3, 4, 2)),
    "chip_making": ((40, 130), (0.06, 0.15), (0.12, 0.30), 6.0, (1, 3, 3, 1)),
    "electronics": ((25, 70), (0.03, 0.08), (0.08, 0.20), 3.0, (2, 4, 3, 1)),
    "software": ((15, 45), (0.08, 0.20), (0.30, 0.60), 4.0, (2, 4, 3, 1)),
    "services": ((10, 35), (0.01, 0.05), (0.02, 0.10), 0.5, (2, 5, 2, 1)),
    "research": ((12, 40), (0.20, 0.45), (0.50, 0.85), 10.0, (1, 3, 3, 2)),
    "logistics": ((20, 75), (0.00, 0.01), (0.00, 0.03), 0.1, (3, 5, 2, 1)),
    "aviation_maintenance": ((18, 55), (0.02, 0.06), (0.05, 0.15), 1.5, (1, 5, 3, 1)),
    "aviation_manufacturing": ((25, 80), (0.05, 0.12), (0.10, 0.25), 4.0, (1, 3, 4, 1)),
    "manufacturing": ((20, 60), (0.02, 0.05), (0.04, 0.12), 1.0, (2, 5, 2, 1)),
    "pharma": ((30, 100), (0.06, 0.15), (0.10, 0.25), 5.0, (1, 4, 3, 1)),
    "biotech": ((20, 80), (0.15, 0.40), (0.30, 0.60), 9.0, (1, 3, 3, 2)),
    "medical_devices": ((20, 65), (0.06, 0.14), (0.12, 0.30), 5.0, (1, 4, 3, 1)),
}
# Growth profiles: yearly revenue change (low, high). Declining and steady firms end up
# mature, growing and fast-growing ones in the growth stage (the 15 % rule).
GROWTH_PROFILES = (
    ("declining", (-0.25, -0.02)),
    ("steady", (0.00, 0.12)),
    ("growing", (0.16, 0.40)),
    ("fast", (0.45, 1.20)),
)

# Employees: log-normal around a small firm, as in any district's register.
EMPLOYEES_MEDIAN = 24
EMPLOYEES_SIGMA = 1.25
EMPLOYEES_RANGE = (3, 6000)

# Name parts: 成都 + trade name (字号) + industry words + legal form.
NAME_PREFIXES = ("成都", "成都", "成都", "四川", "四川省")
TRADE_NAMES = [
    "芯航",
    "锐芯",
    "天府",
    "蓉芯",
    "华芯",
    "晶川",
    "川越",
    "蜀光",
    "锦程",
    "航宇",
    "鹏程",
    "远航",
    "翔宇",
    "恒通",
    "顺达",
    "长风",
    "云图",
    "启明",
    "博远",
    "微纳",
    "智源",
    "睿思",
    "海纳",
    "泰和",
    "康瑞",
    "益生",
    "百草",
    "济民",
    "仁和",
    "瑞康",
    "安泰",
    "华西",
    "西岭",
    "青城",
    "峨眉",
    "岷江",
    "锦江",
    "浣花",
    "望江",
    "双楠",
    "航都",
    "空港",
    "临空",
    "蓝天",
    "银鹰",
    "金鹰",
    "九天",
    "鲲鹏",
    "凌云",
    "星辰",
    "北斗",
    "极光",
    "量子",
    "光谷",
    "硅川",
    "矽谷",
    "晶元",
    "睿创",
    "卓越",
    "中科",
    "华研",
    "新元",
    "宏图",
    "正和",
    "同辉",
    "嘉泰",
    "明德",
    "信诚",
    "汇智",
    "众创",
    "联创",
    "中和",
    "广和",
    "永安",
    "盛世",
    "通宇",
    "万象",
    "聚芯",
    "融创",
]
LEGAL_FORMS = (
    ("有限公司", 70),
    ("有限责任公司", 12),
    ("股份有限公司", 10),
    ("科技有限公司", 8),
)

ROADS = {
    "chip_valley": ("芯谷大道", "双华路", "物联大道", "集成路", "芯源路"),
    "aviation": ("航空港大道", "临港路", "空港一路", "空港二路", "西航港大道"),
    "biomed": ("生物城大道", "康强路", "医学城路", "药谷路", "益州大道"),
}

CONTACT_TITLES = ("总经理", "副总经理", "综合部经理", "行政主管", "财务总监", "董事会秘书")
# Clearly fictitious numbers: 139-0000-xxxx is never issued to a subscriber.
CONTACT_PHONE_PATTERN = "139-0000-{:04d}"

# Tags: the odds of each, by profile family where it matters; `key` follows from the others.
HIGH_TECH_ODDS = {
    "chip_design": 0.55,
    "chip_making": 0.5,
    "electronics": 0.3,
    "software": 0.35,
    "research": 0.45,
    "biotech": 0.5,
    "pharma": 0.35,
    "medical_devices": 0.35,
    "aviation_manufacturing": 0.4,
    "aviation_maintenance": 0.2,
    "manufacturing": 0.12,
    "services": 0.05,
    "logistics": 0.02,
}
SPECIALISED_ODDS = 0.12
LITTLE_GIANT_ODDS = 0.15  # of the specialised ones
SCI_TECH_SME_ODDS = 0.35  # of small and micro firms with R&D staff
FOREIGN_INVESTED_ODDS = 0.05
LISTED_ODDS = 0.4  # of firms with 800 employees or more
# 规上: the statistics thresholds of annual revenue (10,000 CNY) per industry section.
ABOVE_SCALE_REVENUE = {"C": 2000, "G": 2000, "I": 1000, "M": 1000}
# Chain leaders: the largest firms of a zone's main chains.
CHAIN_LEADER_MIN_REVENUE = 20000
CHAIN_LEADER_ODDS = 0.6
# Key enterprises (重点企业) get a chief representative.
KEY_ODDS = {"chain_leader": 1.0, "listed": 0.9, "little_giant": 0.8, "above_scale": 0.35}
KEY_ODDS_OTHER = 0.04

# Figures of the first year come from the statistics bureau for above-scale firms and from
# tax returns for the others; later years are partly declared by the enterprises themselves.
SELF_DECLARED_SHARE = {2024: 0.15, 2025: 0.55}
# When each year's figures reach the file: statistics for year Y in mid-Y+1.
FIGURES_RECORDED_ON = {2024: date(2025, 6, 16), 2025: date(2026, 2, 9)}

# Visits (走访) over the twelve months before this product's demo date, so the visit KPIs of
# the current month and the "not visited this month" lists have data when the demo is shown.
VISITS_FROM = date(2025, 12, 1)
VISITS_TO = date(2026, 11, 26)
VISIT_INTERVALS = ((30, 2), (45, 4), (60, 4))  # days between visits, weight
CHIEF_VISIT_INTERVAL = 90
MISSED_VISIT_ODDS = 0.08
NO_NEXT_DATE_ODDS = 0.1
VISIT_MODES = (("on_site", 55), ("phone", 25), ("online", 20))
# No issue, one issue, two issues. Each issue opens a liaison demand (the demands app's visit
# handler), so most visits are routine and a few raise a problem for the ticket engine.
ISSUE_ODDS = (0.993, 0.006, 0.001)
VISIT_NOTES = (
    "了解企业生产经营情况，宣讲最新惠企政策。",
    "走访生产车间，了解订单和产能情况。",
    "了解企业用工和人才需求。",
    "就企业扩产计划进行沟通，介绍用地和厂房资源。",
    "回访上次反映问题的办理情况，企业表示满意。",
    "了解企业研发投入和专利布局，介绍研发费用加计扣除政策。",
    "了解企业融资需求，介绍政银企对接活动。",
    "对接企业年度经营目标，了解上下游配套情况。",
    "电话了解企业近期经营状况，无新增诉求。",
    "线上会议沟通项目进展。",
)
VISIT_ISSUES = (
    "企业招聘技术工人困难，希望协助对接人才招聘会。",
    "厂房扩建需要办理建设工程规划许可，希望提供办理指导。",
    "申报专精特新企业需要政策辅导。",
    "园区道路货车通行受限，希望协调货车通行证。",
    "企业有流动资金贷款需求，希望对接合作银行。",
    "员工子女入学咨询，希望了解就近入学政策。",
    "希望协调解决园区停车位不足问题。",
    "新建生产线环评手续办理进度咨询。",
    "希望对接上下游配套企业，扩大本地采购。",
    "研发费用加计扣除申报有疑问，希望税务部门上门辅导。",
    "用电负荷不足，希望协调电力增容。",
    "员工通勤不便，希望增开园区公交线路。",
    "高新技术企业认定材料准备需要指导。",
    "希望协调人才公寓房源。",
)

# The enterprises of the `enterprise` and `enterprise2` demo logins: full files.
DEMO_LOGIN_FILES = {
    "enterprise": {
        "industry_code": "3973",
        "registered_on": date(2016, 9, 12),
        "legal_representative": "陈嘉明",
        "registered_address": "四川省成都市双流区芯谷大道88号",
        "employees": 420,
        "revenue_10k_cny": 68000,
        "assets_10k_cny": 125000,
        "rd_expense_10k_cny": 8200,
        "tax_10k_cny": 3100,
        "invention_patents": 46,
        "rd_staff": 130,
        "growth": (0.22, 0.31),
        "tags": ["high_tech", "specialised", "little_giant", "above_scale", "key"],
        "contact_title": "总经理",
    },
    "enterprise2": {
        "industry_code": "3744",
        "registered_on": date(2012, 4, 20),
        "legal_representative": "刘海燕",
        "registered_address": "四川省成都市双流区空港一路166号",
        "employees": 260,
        "revenue_10k_cny": 31000,
        "assets_10k_cny": 52000,
        "rd_expense_10k_cny": 1900,
        "tax_10k_cny": 1400,
        "invention_patents": 12,
        "rd_staff": 48,
        "growth": (0.08, 0.05),
        "tags": ["high_tech", "above_scale", "key"],
        "contact_title": "综合部经理",
    },
}
