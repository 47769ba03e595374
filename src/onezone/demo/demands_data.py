"""Synthetic demand texts for the demo year: what enterprises raise on each channel, with
the demand categories they belong to. All names and numbers are invented; callers are
called "X先生/女士" so no record names a real person."""

from dataclasses import dataclass

from onezone.demands.choices import CategoryGroup, Priority
from onezone.demo.enterprise_data import ROADS, VISIT_NOTES
from onezone.demo.orgchart import SURNAMES

__all__ = ["ROADS", "SURNAMES", "VISIT_NOTES"]  # re-exported: the demo reads its texts here

G, P = CategoryGroup, Priority


@dataclass(frozen=True)
class Topic:
    """One kind of problem: its group, the demand categories that fit it (codes, best
    first), the priority the hotline gives it, a title and a description (str.format
    placeholders: {enterprise} {road} {number} {days})."""

    group: str
    categories: tuple[str, ...]
    priority: str
    title: str
    description: str


TOPICS = (
    # ---- land, utilities and premises -------------------------------------------------
    Topic(
        G.FACTORS,
        ("power_supply",),
        P.EMERGENCY,
        "厂区突然停电，生产线全部停机",
        "{enterprise}反映：今天上午厂区{road}一侧突然停电，约{number}台设备停机，"
        "洁净车间温湿度失控，请求立即协调供电公司抢修。",
    ),
    Topic(
        G.FACTORS,
        ("power_supply",),
        P.UTILITIES,
        "计划停电通知过晚，影响排产",
        "{enterprise}反映：供电所明日计划停电检修，今天下午才通知，企业已排满生产计划，"
        "希望协调调整停电时间或提供临时供电。",
    ),
    Topic(
        G.FACTORS,
        ("power_supply",),
        P.ORDINARY,
        "新生产线用电增容申请进展缓慢",
        "{enterprise}新建生产线需要增容{number}千伏安，报装已提交{days}天仍未现场勘查，"
        "希望协调加快办理。",
    ),
    Topic(
        G.FACTORS,
        ("water_supply",),
        P.UTILITIES,
        "厂区停水，员工食堂无法供餐",
        "{enterprise}反映：{road}市政供水管道维修，厂区停水已超过{number}小时，"
        "员工食堂和冷却系统受影响，希望尽快恢复供水或安排送水车。",
    ),
    Topic(
        G.FACTORS,
        ("gas_supply",),
        P.UTILITIES,
        "天然气压力不足，锅炉无法正常运行",
        "{enterprise}反映：近{days}天天然气压力偏低，蒸汽锅炉频繁熄火，希望燃气公司排查。",
    ),
    Topic(
        G.FACTORS,
        ("network",),
        P.ORDINARY,
        "园区光纤宽带接入难",
        "{enterprise}新租厂房位于{road}，运营商称该路段暂无光缆资源，希望协调尽快接入千兆专线。",
    ),
    Topic(
        G.FACTORS,
        ("premises",),
        P.ORDINARY,
        "厂区门口道路破损，货车进出困难",
        "{enterprise}反映：{road}厂区门口路段路面破损严重，雨天积水，"
        "大型货车进出困难，希望安排维修。",
    ),
    Topic(
        G.FACTORS,
        ("commuting",),
        P.ORDINARY,
        "希望办理货车通行证",
        "{enterprise}每天有{number}车次原材料运输，{road}白天限制货车通行，"
        "希望协调办理货车通行证或调整限行时段。",
    ),
    Topic(
        G.FACTORS,
        ("land_use",),
        P.COMPLEX,
        "扩产项目用地需求",
        "{enterprise}计划扩建第二期生产基地，需新增工业用地约{number}亩，"
        "希望了解园区可供地块和供地流程。",
    ),
    Topic(
        G.FACTORS,
        ("premises",),
        P.ORDINARY,
        "标准厂房租金补贴与续租咨询",
        "{enterprise}租用园区标准厂房即将到期，希望了解续租条件及租金减免政策。",
    ),
    # ---- approvals and licences ---------------------------------------------------------
    Topic(
        G.APPROVAL,
        ("planning_permit",),
        P.ORDINARY,
        "建设工程规划许可办理进度咨询",
        "{enterprise}厂房扩建项目已提交建设工程规划许可申请{days}天，"
        "希望了解审批进度及是否需要补充材料。",
    ),
    Topic(
        G.APPROVAL,
        ("fire_acceptance",),
        P.ORDINARY,
        "消防验收预约时间过长",
        "{enterprise}新建厂房已竣工，消防验收预约排期较长，影响按期投产，希望协调。",
    ),
    Topic(
        G.APPROVAL,
        ("licence_consult",),
        P.ORDINARY,
        "食品经营许可变更办理",
        "{enterprise}员工食堂需办理食品经营许可变更，希望了解材料要求和办理时限。",
    ),
    Topic(
        G.APPROVAL,
        ("talent_recognition",),
        P.ORDINARY,
        "外籍技术专家工作许可办理",
        "{enterprise}引进{number}名外籍技术专家，工作许可和居留许可办理材料较多，"
        "希望提供一对一指导。",
    ),
    Topic(
        G.APPROVAL,
        ("general",),
        P.UTILITIES,
        "进口设备通关受阻",
        "{enterprise}一批进口光刻配套设备在口岸滞留{days}天，报关资料被要求补充，"
        "生产线安装受影响，希望协调加快通关。",
    ),
    Topic(
        G.APPROVAL,
        ("licence_consult",),
        P.ORDINARY,
        "保税仓库设立咨询",
        "{enterprise}希望在园区设立保税仓库，咨询申请条件和办理流程。",
    ),
    # ---- policies and funding -----------------------------------------------------------
    Topic(
        G.POLICY,
        ("digital_upgrade",),
        P.ORDINARY,
        "扶持资金迟迟未拨付",
        "{enterprise}去年申报的技改补贴已公示{days}天，{number}万元至今未到账，希望了解拨付进度。",
    ),
    Topic(
        G.POLICY,
        ("social_insurance",),
        P.ORDINARY,
        "稳岗补贴申领遇到问题",
        "{enterprise}在线申领稳岗补贴时系统提示参保信息不符，希望人社部门协助核实。",
    ),
    Topic(
        G.POLICY,
        ("specialised_sme",),
        P.ORDINARY,
        "专精特新企业申报辅导",
        "{enterprise}今年拟申报市级专精特新中小企业，希望安排政策辅导。",
    ),
    Topic(
        G.POLICY,
        ("hightech",),
        P.ORDINARY,
        "高新技术企业认定材料准备",
        "{enterprise}首次申报高新技术企业，研发费用归集和知识产权材料准备有疑问。",
    ),
    # ---- talent and employment ----------------------------------------------------------
    Topic(
        G.TALENT,
        ("recruitment",),
        P.ORDINARY,
        "技术工人招聘困难",
        "{enterprise}近期订单增加，急需招聘{number}名数控操作工和质检员，"
        "希望对接园区招聘会和职业院校。",
    ),
    Topic(
        G.TALENT,
        ("talent_housing",),
        P.ORDINARY,
        "人才公寓房源不足",
        "{enterprise}新引进{number}名研发人员，申请人才公寓被告知暂无房源，希望协调。",
    ),
    Topic(
        G.TALENT,
        ("social_insurance",),
        P.ORDINARY,
        "社保转移接续咨询",
        "{enterprise}有员工从外省调入，社保关系转移接续办理不顺，希望给予指导。",
    ),
    # ---- finance and tax ----------------------------------------------------------------
    Topic(
        G.FINANCE,
        ("tax_invoice",),
        P.ORDINARY,
        "增值税留抵退税办理进度",
        "{enterprise}申请增值税留抵退税{number}万元，已提交{days}天，希望了解审核进度。",
    ),
    Topic(
        G.FINANCE,
        ("tax_invoice",),
        P.ORDINARY,
        "研发费用加计扣除口径咨询",
        "{enterprise}对委托研发费用能否加计扣除有疑问，希望税务部门上门辅导。",
    ),
    Topic(
        G.FINANCE,
        ("financing",),
        P.ORDINARY,
        "流动资金贷款需求",
        "{enterprise}有{number}万元流动资金贷款需求，希望对接合作银行和政策性担保。",
    ),
    # ---- environment and safety ---------------------------------------------------------
    Topic(
        G.ENVIRONMENT,
        ("eia_approval",),
        P.ORDINARY,
        "新建生产线环评审批咨询",
        "{enterprise}新建生产线环境影响报告表已报送{days}天，希望了解审批进度和排污许可衔接。",
    ),
    Topic(
        G.ENVIRONMENT,
        ("pollution_permit",),
        P.ORDINARY,
        "周边企业异味影响生产环境",
        "{enterprise}反映：{road}附近有企业夜间排放异味，影响洁净车间和员工健康，希望查处。",
    ),
    Topic(
        G.ENVIRONMENT,
        ("work_safety",),
        P.EMERGENCY,
        "园区道路井盖缺失，存在安全隐患",
        "{enterprise}反映：{road}厂区门口井盖缺失，夜间已有车辆险些掉入，请立即处置。",
    ),
    # ---- market order and rights --------------------------------------------------------
    Topic(
        G.MARKET,
        ("ip_trademark",),
        P.ORDINARY,
        "产品外观专利被侵权",
        "{enterprise}发现电商平台有商家仿冒公司专利产品，希望市场监管部门协助维权。",
    ),
    Topic(
        G.MARKET,
        ("legal_rights",),
        P.COMPLEX,
        "大型企业拖欠中小企业货款",
        "{enterprise}为某大型企业配套供货，{number}万元货款逾期{days}天未支付，希望协调。",
    ),
    # ---- amenities ------------------------------------------------------------------------
    Topic(
        G.AMENITY,
        ("children_schooling",),
        P.ORDINARY,
        "员工子女入学学位申请",
        "{enterprise}有{number}名员工子女今年秋季入学，希望协调就近学校学位。",
    ),
    Topic(
        G.AMENITY,
        ("commuting",),
        P.ORDINARY,
        "员工通勤不便，希望增开公交线路",
        "{enterprise}员工反映{road}早晚高峰公交班次少，希望增开园区公交线路或调整班次。",
    ),
    Topic(
        G.AMENITY,
        ("premises",),
        P.ORDINARY,
        "园区停车位不足",
        "{enterprise}反映：{road}沿线停车位紧张，员工车辆被贴罚单，希望规划临时停车场。",
    ),
    Topic(
        G.AMENITY,
        ("medical_care",),
        P.ORDINARY,
        "员工就医绿色通道咨询",
        "{enterprise}有高层次人才需要就医绿色通道服务，希望了解办理方式。",
    ),
)

# Questions the hotline answers on the call (answer_directly), with the answers given.
CONSULTATIONS = (
    (
        "咨询企业开办全程网办流程",
        "{enterprise}咨询新设分公司能否全程网办。",
        "已告知登录天府通办办理企业开办，营业执照、印章、发票和社保登记一次办结。",
    ),
    (
        "咨询惠企政策申报时间",
        "{enterprise}咨询今年工业发展专项资金申报时间。",
        "已告知申报通知预计下月发布，可关注区经济和信息化局网站并订阅政策推送。",
    ),
    (
        "咨询园区咖啡时报名方式",
        "{enterprise}咨询如何报名参加企业咖啡时。",
        "已告知在企业门户“企业咖啡时”栏目查看场次并在线报名。",
    ),
    (
        "咨询人才公寓申请条件",
        "{enterprise}咨询人才公寓的申请条件。",
        "已告知申请条件和所需材料，可通过企业幸福中心在线提交申请。",
    ),
    (
        "咨询研发费用加计扣除比例",
        "{enterprise}咨询制造业企业研发费用加计扣除比例。",
        "已告知现行比例为百分之百，并告知可在季度预缴时享受。",
    ),
)

# Historical problems (历史遗留问题): long-standing, complex, tracked to resolution.
LEGACY_TOPICS = (
    Topic(
        G.FACTORS,
        ("land_use",),
        P.COMPLEX,
        "老厂房不动产权证多年未能办理",
        "{enterprise}于多年前建成的{number}平方米厂房因当时规划手续不全，"
        "至今未能办理不动产权证，影响融资抵押，属历史遗留问题。",
    ),
    Topic(
        G.FACTORS,
        ("project_factors",),
        P.COMPLEX,
        "土地出让合同约定配套道路未建成",
        "{enterprise}土地出让合同约定的{road}配套道路至今未建成，物流车辆绕行，属历史遗留问题。",
    ),
    Topic(
        G.POLICY,
        ("project_factors",),
        P.COMPLEX,
        "招商协议约定的扶持资金未兑现",
        "{enterprise}与原园区管理机构签订的招商协议约定扶持资金{number}万元，"
        "机构调整后一直未兑现，属历史遗留问题。",
    ),
    Topic(
        G.FACTORS,
        ("land_use",),
        P.COMPLEX,
        "用地性质调整遗留问题",
        "{enterprise}所在地块规划调整后用地性质与现状不符，扩建手续无法办理，属历史遗留问题。",
    ),
    Topic(
        G.ENVIRONMENT,
        ("pollution_permit",),
        P.COMPLEX,
        "早期项目环保验收手续缺失",
        "{enterprise}早期建成的生产线当时未办理环保竣工验收，现补办遇到政策障碍，属历史遗留问题。",
    ),
    Topic(
        G.MARKET,
        ("legal_rights",),
        P.COMPLEX,
        "原园区平台公司拖欠工程款",
        "{enterprise}承建原园区配套工程，{number}万元工程款拖欠多年，属历史遗留问题。",
    ),
    Topic(
        G.FACTORS,
        ("power_supply",),
        P.COMPLEX,
        "专用变电站产权移交未完成",
        "{enterprise}自建的专用变电站多年前约定移交供电公司，产权移交一直未完成，"
        "运维费用由企业承担，属历史遗留问题。",
    ),
    Topic(
        G.TALENT,
        ("talent_housing",),
        P.COMPLEX,
        "早年配建职工住房产权办理",
        "{enterprise}早年在园区配建的职工宿舍至今无法办理产权，属历史遗留问题。",
    ),
)

# Calls that are no demand at all (marked invalid, excluded from the KPIs).
INVALID_CALLS = (
    ("来电无实际诉求", "来电人未说明诉求即挂断。", "无实际诉求的来电"),
    ("重复骚扰来电", "来电人多次拨打热线辱骂话务员，无具体诉求。", "恶意骚扰来电"),
    ("与企业服务无关的来电", "来电人咨询个人彩票兑奖事宜。", "与企业服务无关"),
)

REPLIES = (
    "经协调，已于{days}日内办结，企业表示认可。",
    "已会同相关部门现场核实并处置完毕，结果已告知企业。",
    "已按政策规定办理，办理结果已书面告知企业。",
    "经对接，已明确责任单位和完成时限，目前问题已解决。",
    "已安排专人跟进，相关手续已办结。",
)
LEGACY_PROGRESS = (
    "已召开专题协调会，明确了分步解决方案，正在推进中。",
    "相关部门已完成前期资料梳理，待上级部门批复后继续办理。",
    "已形成阶段性处理意见，后续将持续跟进。",
)
LEGACY_SEND_BACK = "阶段性答复，问题尚未解决，请继续办理。"
LEGACY_SOLVED = (
    "经多部门联合会商，历史遗留问题已按政策妥善解决。",
    "相关权证已办理完成，企业确认问题解决。",
)
RETURN_REASONS = (
    "该事项不属于本单位职责，建议改派属地管委会。",
    "诉求涉及多个部门，请明确牵头单位后重新派单。",
)
EXTENSION_REASONS = (
    "需要多部门会商，申请延期办理。",
    "需现场勘查和第三方检测，申请延期。",
)
SEND_BACK_REASONS = (
    "答复内容过于简单，未说明具体处理结果，请补充。",
    "答复未回应企业提出的时限要求，请重新答复。",
)
URGE_REASONS = ("请加快办理进度。",)
SUPERVISE_REASONS = ("历史遗留问题推进缓慢，纳入督办。",)
REOPEN_REASONS = ("回访企业不满意，承办单位处置不到位，重新办理。",)
CALLBACK_NOTES = {
    "satisfied": ("企业对办理结果满意。", "企业表示感谢。", ""),
    "basically_satisfied": ("企业基本满意，希望后续加快进度。", "问题已解决，但办理时间较长。"),
    "unsatisfied": ("企业对处理结果不满意。", "企业认为问题未得到实质解决。"),
}

# Coffee Time: themes and what enterprises raise.
COFFEE_THEMES = (
    "集成电路产业链协同发展",
    "航空制造企业降本增效",
    "生物医药企业创新研发",
    "中小企业融资对接",
    "人才引进与留用",
    "企业出海与跨境贸易",
    "数字化转型与智能制造",
    "营商环境体验官座谈",
)
COFFEE_SOLVED = (
    "现场由区税务局工作人员解答，企业表示清楚。",
    "现场明确了办理流程和联系人。",
    "现场协调相关部门当场答复。",
)
COFFEE_REPORT = "本期企业咖啡时共收集问题{issues}个，现场解决{solved}个，转为诉求办理{demands}个。"

# Happiness Center requests by the words of the service's name (first match wins).
HAPPINESS_REQUESTS = (
    (("公寓", "住房", "housing"), "公司新引进{number}名研发人员，申请入住人才公寓。"),
    (("入学", "子女", "school"), "员工子女{number}名今年秋季入学，申请协调就近学位。"),
    (("就医", "医疗", "medical"), "公司高层次人才申请就医绿色通道服务。"),
    (("招聘", "用工", "recruit"), "公司需招聘{number}名技术工人，申请人力资源对接服务。"),
    (("配偶", "spouse"), "引进人才配偶申请就业安置协助。"),
    (("签证", "居留", "外籍", "visa"), "外籍专家{number}名申请办理签证及居留便利服务。"),
    (("通勤", "班车", "公交", "bus"), "员工申请开通园区通勤班车站点。"),
    (("食堂", "社区", "生活", "canteen"), "员工生活配套服务需求：希望引入职工食堂服务。"),
)
HAPPINESS_GENERIC = "公司员工申请企业幸福中心服务，请协助办理。"

CALLER_TITLES = ("先生", "女士")
ROADS_ANY = ("园区大道", "创业路", "科技路")
