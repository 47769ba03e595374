"""The demo register: 174 enterprise-related approval and service matters plus enforcement,
management and duty matters, with list entries so every zone has a holder for each. Synthetic
names following the reform; legal bases cite laws by name only. Seeded through the services."""

from datetime import date

from onezone.org.models import Body, Post, Unit, Zone
from onezone.register import services
from onezone.register.choices import DelegationMode, MatterKind, RegisterList
from onezone.register.models import ListEntry, Matter

REGISTER_START = date(2025, 1, 2)
# The day the demo's biomed zone received its stationed approval section (a versioned change).
STATIONING_DAY = date(2025, 7, 1)
STATIONED_LATER = ("XS001", "XS002", "XS003", "XS004", "XS005")
STATIONED_LATER_ZONE = "biomed"

# "@prefix|home bureau|strategy|default law", then "name[|a or p[|law]]" (a: approval,
# p: public service). Strategies: stationed (the functional bureau's park service section in
# each zone, with its head as commissioner), transfer (the committee's enterprise service
# department accepts, the sectoral bureau decides), retained (the bureau for all zones; the
# chip valley takes it in by transfer), zone_own (the merged lead bureau or the committee).
# The demo district has no tax bureau or bank regulator of its own: the start-up journey's
# invoice/tax UKey and bank-account items sit at the approval bureau's one-stop window (XS).
THEMES = """
@GZ|区规划和自然资源局|stationed|《城乡规划法》《土地管理法》
建设项目用地预审与选址意见书核发
建设用地规划许可证核发
建设工程规划许可证核发
乡村建设规划许可证核发
建设工程规划条件核实
临时建设工程规划许可
国有建设用地使用权划拨批准
建设用地改变用途审核
临时用地审批
土地复垦方案审查
压覆重要矿产资源审查
建设工程设计方案审查
建设工程总平面图审查
建设工程竣工规划核实
建设工程放线验线
规划条件变更审批
地名命名更名审批
不动产首次登记|p|《民法典》
不动产转移登记|p|《民法典》
不动产抵押登记|p|《民法典》
不动产变更登记|p|《民法典》
不动产登记资料查询|p|《民法典》
测绘成果资料提供|p|《测绘法》
建设项目规划咨询服务|p|《城乡规划法》
@ZJ|区住房建设和交通运输局|stationed|《建筑法》
建筑工程施工许可证核发
建设工程消防设计审查|a|《消防法》
建设工程消防验收|a|《消防法》
建设工程消防验收备案|a|《消防法》
房屋建筑和市政基础设施工程竣工验收备案
建设工程质量监督手续办理
建设工程安全监督手续办理|a|《安全生产法》
商品房预售许可|a|《城市房地产管理法》
房地产开发企业资质核定|a|《城市房地产管理法》
建筑业企业资质核准
建筑施工企业安全生产许可证核发|a|《安全生产法》
施工图设计文件审查备案
城镇燃气经营许可|a|《城镇燃气管理条例》
燃气工程竣工验收备案|a|《城镇燃气管理条例》
建筑起重机械使用登记|a|《特种设备安全法》
工程建设项目招标投标情况书面报告备案|a|《招标投标法》
城市道路挖掘许可|a|《城市道路管理条例》
城市道路占用许可|a|《城市道路管理条例》
道路货物运输经营许可|a|《道路运输条例》
道路旅客运输经营许可|a|《道路运输条例》
机动车维修经营备案|a|《道路运输条例》
超限运输车辆行驶公路许可|a|《公路法》
涉路施工许可|a|《公路法》
公路用地范围内设置非公路标志许可|a|《公路法》
结合民用建筑修建防空地下室审批|a|《人民防空法》
人防工程竣工验收备案|a|《人民防空法》
建设工程档案验收|p|《档案法》
商品房买卖合同网签备案|p|《城市房地产管理法》
住房公积金缴存登记|p|《住房公积金管理条例》
建筑市场信用信息查询|p|《建筑法》
@ST|区生态环境局|stationed|《环境影响评价法》
建设项目环境影响报告书审批
建设项目环境影响报告表审批
建设项目环境影响登记表备案|p
排污许可证核发|a|《环境保护法》
排污登记|p|《环境保护法》
危险废物经营许可|a|《固体废物污染环境防治法》
辐射安全许可证核发|a|《放射性污染防治法》
放射性同位素转让审批|a|《放射性污染防治法》
突发环境事件应急预案备案|p|《突发事件应对法》
夜间施工噪声排放审批|a|《噪声污染防治法》
污染防治设施拆除或闲置审批|a|《大气污染防治法》
重点污染物排放总量指标审核|a|《环境保护法》
环境影响后评价备案|p
重点排污单位自行监测方案备案|p|《环境保护法》
建设项目竣工环境保护验收信息公开|p|《环境保护法》
环保信用评价结果查询|p|《环境保护法》
@XS|区行政审批局|stationed|《行政许可法》
企业设立登记|a|《市场主体登记管理条例》
企业变更登记|a|《市场主体登记管理条例》
企业注销登记|a|《市场主体登记管理条例》
个体工商户登记|a|《促进个体工商户发展条例》
农民专业合作社登记|a|《农民专业合作社法》
食品经营许可|a|《食品安全法》
食品生产许可|a|《食品安全法》
食品小作坊登记|a|《食品安全法》
药品零售企业许可|a|《药品管理法》
医疗器械经营许可|a|《医疗器械监督管理条例》
第二类医疗器械经营备案|p|《医疗器械监督管理条例》
公共场所卫生许可|a|《公共场所卫生管理条例》
出版物零售经营许可|a|《出版管理条例》
娱乐场所经营许可|a|《娱乐场所管理条例》
营业性演出许可|a|《营业性演出管理条例》
互联网上网服务营业场所经营许可|a|《互联网上网服务营业场所管理条例》
人力资源服务许可|a|《就业促进法》
劳务派遣经营许可|a|《劳动合同法》
印章刻制备案|p|《行政许可法》
银行开户预约|p|《人民币银行结算账户管理办法》
企业名称自主申报|p|《企业名称登记管理规定》
电子营业执照申领|p|《市场主体登记管理条例》
涉企经营许可事项咨询|p|《行政许可法》
新办纳税人发票领用及税务UKey发放|p|《发票管理办法》
@ZF|区综合行政执法局|stationed|《城市市容和环境卫生管理条例》
建筑垃圾处置核准
户外广告设施设置审批
临时占用城市绿地审批|a|《城市绿化条例》
砍伐迁移城市树木审批|a|《城市绿化条例》
设置大型户外招牌审批
城市生活垃圾经营性清扫收运许可|a|《固体废物污染环境防治法》
餐厨垃圾收运处置备案|p|《固体废物污染环境防治法》
@SWJ|区水务局|transfer|《水法》
取水许可
河道管理范围内建设项目工程建设方案审批
水土保持方案审批|a|《水土保持法》
城镇污水排入排水管网许可|a|《城镇排水与污水处理条例》
生产建设项目水土保持设施自主验收报备|p|《水土保持法》
非防洪建设项目洪水影响评价审批|a|《防洪法》
占用农业灌溉水源灌排工程设施审批
城市供水接入服务|p|《城市供水条例》
排水接入服务|p|《城镇排水与污水处理条例》
@WJ|区卫生健康局|transfer|《基本医疗卫生与健康促进法》
医疗机构设置审批
医疗机构执业登记
放射诊疗许可|a|《放射性污染防治法》
建设项目职业病危害放射防护预评价审核|a|《职业病防治法》
母婴保健技术服务执业许可|a|《母婴保健法》
饮用水供水单位卫生许可|a|《传染病防治法》
消毒产品生产企业卫生许可|a|《传染病防治法》
职业健康检查机构备案|p|《职业病防治法》
诊所备案|p
@JY|区教育局|transfer|《民办教育促进法》
民办学校办学许可
民办学校变更审批
民办学校终止审批
实施学历教育的民办学校设立审批|a|《教育法》
企业人才子女入学服务|p|《义务教育法》
@SJ|区市场监督管理局|transfer|《特种设备安全法》
特种设备使用登记
特种设备安装改造维修告知|p
计量标准器具核准|a|《计量法》
工业产品生产许可证审批|a|《工业产品生产许可证管理条例》
广告发布登记|a|《广告法》
股权出质登记|p|《民法典》
动产抵押登记|p|《民法典》
知识产权质押融资服务|p|《专利法》
商标注册受理服务|p|《商标法》
企业信用修复|p|《企业信息公示暂行条例》
@YJ|区应急管理局|transfer|《安全生产法》
危险化学品经营许可
烟花爆竹经营（零售）许可
生产安全事故应急预案备案|p
非煤矿山建设项目安全设施设计审查
危险化学品建设项目安全条件审查|a|《危险化学品安全管理条例》
@RS|区人力资源和社会保障局|transfer|《劳动法》
企业实行不定时工作制和综合计算工时工作制审批
就业登记|p|《就业促进法》
员工参保登记（社会保险和医疗保险）|p|《社会保险法》
企业招聘用工服务|p|《就业促进法》
高层次人才认定服务|p|《人才发展促进条例》
职业技能等级认定备案|p|《职业教育法》
稳岗返还申领|p|《失业保险条例》
@SWU|区商务局|transfer|《对外贸易法》
对外贸易经营者备案|p
外商投资信息报告|p|《外商投资法》
单用途商业预付卡备案|p|《电子商务法》
拍卖企业设立审核|a|《拍卖法》
@JX|区经济和信息化局|transfer|《节约能源法》
固定资产投资项目节能审查|a
技术改造项目备案|p|《中小企业促进法》
工业企业数字化转型服务|p|《中小企业促进法》
专精特新企业培育申报服务|p|《中小企业促进法》
@WL|区文化广电旅游体育局|transfer|《旅游法》
旅行社设立许可
高危险性体育项目经营许可|a|《体育法》
艺术品经营单位备案|p|《文物保护法》
@NY|区农业农村局|transfer|《农业法》
农药经营许可|a|《农药管理条例》
兽药经营许可|a|《兽药管理条例》
动物防疫条件合格证核发|a|《动物防疫法》
农作物种子生产经营许可|a|《种子法》
@KJ|区科学技术局|transfer|《科学技术进步法》
高新技术企业认定申报服务|p
科技型中小企业评价服务|p
技术合同认定登记|p|《民法典》
@MZ|区民政局|retained|《慈善法》
社会团体成立登记|a|《社会团体登记管理条例》
民办非企业单位成立登记|a|《民办非企业单位登记管理暂行条例》
养老机构备案|p|《老年人权益保障法》
@TJ|区统计局|retained|《统计法》
统计调查项目审批|a
规模以上企业统计入库服务|p
@SF|区司法局|retained|《公证法》
企业法律顾问服务|p|《律师法》
@FG|区发展和改革局|zone_own|《行政许可法》
企业投资项目备案|p|《企业投资项目核准和备案管理条例》
企业投资项目核准|a|《企业投资项目核准和备案管理条例》
政府投资项目可行性研究报告审批|a|《政府投资条例》
重大项目要素保障协调服务|p|《优化营商环境条例》
"""

# (code, name, kind, home bureau, law, list, strategy, holder unit of the strategy)
OTHER_MATTERS = [
    (
        "ZF101",
        "对违法建设行为的行政处罚",
        MatterKind.ENFORCEMENT,
        "区综合行政执法局",
        "《城乡规划法》",
        True,
    ),
    (
        "ZF102",
        "对违反建筑垃圾管理规定的行政处罚",
        MatterKind.ENFORCEMENT,
        "区综合行政执法局",
        "《固体废物污染环境防治法》",
        True,
    ),
    (
        "ZF103",
        "对擅自设置户外广告设施的行政处罚",
        MatterKind.ENFORCEMENT,
        "区综合行政执法局",
        "《城市市容和环境卫生管理条例》",
        True,
    ),
    (
        "ST101",
        "对环境违法行为的行政处罚",
        MatterKind.ENFORCEMENT,
        "区生态环境局",
        "《环境保护法》",
        True,
    ),
    (
        "GZ101",
        "对非法占用土地行为的行政处罚",
        MatterKind.ENFORCEMENT,
        "区规划和自然资源局",
        "《土地管理法》",
        True,
    ),
    (
        "ZJ101",
        "对施工扬尘污染行为的行政处罚",
        MatterKind.ENFORCEMENT,
        "区住房建设和交通运输局",
        "《大气污染防治法》",
        True,
    ),
    (
        "GL001",
        "功能区产业规划编制",
        MatterKind.MANAGEMENT,
        "区发展和改革局",
        "《城乡规划法》",
        False,
    ),
    (
        "GL002",
        "功能区重大项目推进管理",
        MatterKind.MANAGEMENT,
        "区发展和改革局",
        "《政府投资条例》",
        True,
    ),
    ("GL003", "标准化厂房租赁管理", MatterKind.MANAGEMENT, "区发展和改革局", "《民法典》", True),
    (
        "GL004",
        "功能区安全生产属地管理",
        MatterKind.MANAGEMENT,
        "区应急管理局",
        "《安全生产法》",
        True,
    ),
    ("ZZ001", "招商引资目标任务", MatterKind.DUTY, "区发展和改革局", "《优化营商环境条例》", False),
    ("ZZ002", "企业咖啡时组织", MatterKind.DUTY, "区发展和改革局", "《优化营商环境条例》", True),
    ("ZZ003", "企业诉求办理督办", MatterKind.DUTY, "区发展和改革局", "《优化营商环境条例》", True),
    (
        "ZZ004",
        "功能区日常运行协调",
        MatterKind.DUTY,
        "区发展和改革局",
        "《优化营商环境条例》",
        False,
    ),
    (
        "ZZ005",
        "产业链招商图谱维护",
        MatterKind.DUTY,
        "区发展和改革局",
        "《优化营商环境条例》",
        False,
    ),
]
# Committee department holding each zone-own management or duty matter.
COMMITTEE_HOLDER = {
    "GL001": "规划建设部",
    "GL002": "投资促进部",
    "GL003": "企业服务部",
    "GL004": "统筹协调部",
    "ZZ001": "投资促进部",
    "ZZ002": "企业服务部",
    "ZZ003": "企业服务部",
    "ZZ004": "统筹协调部",
    "ZZ005": "投资促进部",
}


def parse_themes() -> list[dict]:
    """The 174 service matters as dicts: code, name, kind, home bureau, law, strategy."""
    matters, theme = [], None
    for line in THEMES.strip().splitlines():
        if line.startswith("@"):
            prefix, bureau, strategy, law = line[1:].split("|")
            theme = {"prefix": prefix, "bureau": bureau, "strategy": strategy, "law": law, "n": 0}
            continue
        name, kind, law = (line.split("|") + ["a", ""])[:3]
        theme["n"] += 1
        matters.append(
            {
                "code": f"{theme['prefix']}{theme['n']:03d}",
                "name": name,
                "kind": MatterKind.APPROVAL if kind == "a" else MatterKind.PUBLIC_SERVICE,
                "bureau": theme["bureau"],
                "law": law or theme["law"],
                "strategy": theme["strategy"],
            }
        )
    return matters


class RegisterSeeder:
    def __init__(self, seeder):
        self.seeder = seeder
        self.admin = seeder.admin
        self.zones = list(Zone.objects.order_by("code"))
        self.bodies = {body.name: body for body in Body.objects.all()}
        self.units = {
            (unit.body.name, unit.name): unit for unit in Unit.objects.select_related("body")
        }

    def run(self) -> None:
        for spec in parse_themes():
            matter = self._matter(
                spec["code"], spec["name"], spec["kind"], spec["bureau"], spec["law"], True
            )
            getattr(self, f"_{spec['strategy']}")(matter, spec["bureau"])
        for code, name, kind, bureau, law, related in OTHER_MATTERS:
            matter = self._matter(code, name, kind, bureau, law, related)
            if kind == MatterKind.ENFORCEMENT:
                self._stationed(matter, bureau, unit_name="园区执法大队")
            else:
                self._committee(matter)
        self._later_stationing()

    # ---- writes (idempotent by natural key) ---------------------------------------------

    def _matter(self, code, name, kind, bureau, law, related) -> Matter:
        matter = Matter.objects.filter(code=code).first()
        if matter:
            return matter
        with self.seeder.sim.step(3):
            matter = services.matter_create(
                actor=self.admin,
                code=code,
                name=name,
                kind=kind,
                home_body=self.bodies[bureau],
                legal_basis=law,
                enterprise_related=related,
            )
        self.seeder.report.count("matters")
        return matter

    def _entry(self, matter, list_name, zone, holder, mode, deciding=None, commissioner=None):
        if ListEntry.objects.filter(matter=matter, list_name=list_name, zone=zone).exists():
            return
        with self.seeder.sim.step(3):
            services.entry_create(
                actor=self.admin,
                matter=matter,
                list_name=list_name,
                zone=zone,
                holder_unit=holder,
                mode=mode,
                deciding_unit=deciding,
                commissioner=commissioner,
                valid_from=REGISTER_START,
                change_reason="",
            )
        self.seeder.report.count("list entries")

    # ---- strategies ---------------------------------------------------------------------

    def _head_of(self, unit: Unit):
        post = Post.objects.filter(unit=unit, is_leader=True).select_related("person").first()
        return post.person

    def _stationed(self, matter, bureau, unit_name="园区服务科"):
        for zone in self.zones:
            unit = self.units[(bureau, f"{zone.name}{unit_name}")]
            self._entry(
                matter,
                RegisterList.APPROVAL_ENFORCEMENT,
                zone,
                unit,
                DelegationMode.STATIONED_COMMISSIONER,
                commissioner=self._head_of(unit),
            )

    def _service_department(self, zone, name="企业服务部") -> Unit:
        return self.units[(f"{zone.name}管委会", name)]

    def _promotion_section(self, bureau) -> Unit:
        return self.units[(bureau, "投资促进科")]

    def _transfer(self, matter, bureau, zones=None):
        for zone in zones or self.zones:
            self._entry(
                matter,
                RegisterList.DELEGATED_POWER,
                zone,
                self._service_department(zone),
                DelegationMode.AUTHORISED_TRANSFER,
                deciding=self._promotion_section(bureau),
            )

    def _retained(self, matter, bureau):
        self._entry(
            matter,
            RegisterList.DELEGATED_POWER,
            None,
            self._promotion_section(bureau),
            DelegationMode.RETAINED,
        )
        # The chip valley takes these in too: its zone entry overrides the all-zones one.
        self._transfer(matter, bureau, zones=[z for z in self.zones if z.code == "chip_valley"])

    def _zone_own(self, matter, bureau):
        for zone in self.zones:
            committee = self.bodies[f"{zone.name}管委会"]
            lead = Body.objects.filter(merged_with=committee).first()
            holder = (
                self.units[(lead.name, "产业发展科")] if lead else self._service_department(zone)
            )
            self._entry(
                matter, RegisterList.MANAGEMENT_MATTER, zone, holder, DelegationMode.ZONE_OWN
            )

    def _committee(self, matter):
        list_name = (
            RegisterList.DUTY if matter.kind == MatterKind.DUTY else RegisterList.MANAGEMENT_MATTER
        )
        for zone in self.zones:
            unit = self._service_department(zone, COMMITTEE_HOLDER[matter.code])
            self._entry(matter, list_name, zone, unit, DelegationMode.ZONE_OWN)

    def _later_stationing(self):
        """In one zone a few approvals start by transfer and move to the stationed section
        half a year later: the change closes version 1 and adds version 2."""
        zone = next(z for z in self.zones if z.code == STATIONED_LATER_ZONE)
        bureau = "区行政审批局"
        for code in STATIONED_LATER:
            matter = Matter.objects.get(code=code)
            line = ListEntry.objects.filter(
                matter=matter, zone=zone, list_name=RegisterList.APPROVAL_ENFORCEMENT
            )
            first = line.filter(version=1).first()
            if first is None or line.filter(version=2).exists():
                continue
            unit = self.units[(bureau, f"{zone.name}园区服务科")]
            with self.seeder.sim.step(3):
                services.entry_change(
                    actor=self.admin,
                    entry=first,
                    effective_from=STATIONING_DAY,
                    change_reason="派驻科室人员调整，更换服务专员",
                    holder_unit=unit,
                    commissioner=self._staff_of(unit),
                )
            self.seeder.report.count("list entries")

    def _staff_of(self, unit: Unit):
        post = Post.objects.filter(unit=unit, is_leader=False).select_related("person")
        return post.order_by("pk").first().person


def seed_register(seeder) -> None:
    """Called from DemoSeeder.run() after the organisation exists."""
    RegisterSeeder(seeder).run()
