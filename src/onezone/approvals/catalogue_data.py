"""The catalogue as data: rules that give every approval or public-service matter its service
specification (办事指南), and the demo journeys (一件事). Saved through services.catalogue.

Rules, in order: a matter's own line in SPECIFIC (a limit the law sets, a fee, a result
document), then its kind's defaults: approvals 20 working days (行政许可法 Art. 42) with a
promise of 40 % of it, public services a 10-working-day service standard with a promise of 3.
Items of the start-up journey promise half a working day (the national best practice).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from onezone.approvals.choices import FieldType, NationalStage
from onezone.core.choices import TimeUnit
from onezone.register.choices import MatterKind

APPROVAL_STATUTORY_DAYS = 20  # 行政许可法 Art. 42
SERVICE_STANDARD_DAYS = 10  # the district's service standard for public services
APPROVAL_PROMISE_SHARE = Decimal("0.4")
SERVICE_PROMISE_DAYS = Decimal("3")
HALF_DAY = Decimal("0.5")

# ---- the shared field vocabulary: one name, one label, one type everywhere -----------------

FIELDS: dict[str, dict] = {
    "company_name": {"label": "企业名称", "type": FieldType.STRING},
    "uscc": {"label": "统一社会信用代码", "type": FieldType.USCC},
    "legal_representative": {"label": "法定代表人", "type": FieldType.STRING},
    "legal_representative_id": {"label": "法定代表人身份证号码", "type": FieldType.ID_NUMBER},
    "contact_phone": {"label": "联系电话", "type": FieldType.PHONE},
    "contact_email": {"label": "电子邮箱", "type": FieldType.EMAIL},
    "registered_address": {"label": "住所（经营场所）", "type": FieldType.STRING},
    "registered_capital_10k_cny": {"label": "注册资本（万元）", "type": FieldType.DECIMAL},
    "business_scope": {"label": "经营范围", "type": FieldType.TEXT},
    "employees": {"label": "职工人数", "type": FieldType.INTEGER},
    "seal_count": {"label": "刻制印章数量", "type": FieldType.INTEGER},
    "invoice_type": {
        "label": "申领发票种类",
        "type": FieldType.CHOICE,
        "choices": ["数电普通发票", "数电增值税专用发票"],
    },
    "bank": {
        "label": "开户银行",
        "type": FieldType.CHOICE,
        "choices": [
            "中国工商银行",
            "中国农业银行",
            "中国银行",
            "中国建设银行",
            "交通银行",
            "成都银行",
            "成都农商银行",
        ],
    },
    "project_name": {"label": "项目名称", "type": FieldType.STRING},
    "project_code": {"label": "项目代码", "type": FieldType.STRING},
    "project_address": {"label": "建设地点", "type": FieldType.STRING},
    "land_area_m2": {"label": "用地面积（平方米）", "type": FieldType.DECIMAL},
    "building_area_m2": {"label": "建筑面积（平方米）", "type": FieldType.DECIMAL},
    "investment_10k_cny": {"label": "总投资（万元）", "type": FieldType.DECIMAL},
    "construction_content": {"label": "建设规模及内容", "type": FieldType.TEXT},
    "start_date": {"label": "计划开工日期", "type": FieldType.DATE},
    "contractor_name": {"label": "施工单位", "type": FieldType.STRING},
    "premises_area_m2": {"label": "经营场所面积（平方米）", "type": FieldType.DECIMAL},
    "food_business_category": {
        "label": "食品经营主体业态",
        "type": FieldType.CHOICE,
        "choices": ["食品销售经营者", "餐饮服务经营者", "单位食堂"],
    },
    "has_outdoor_sign": {"label": "是否设置户外招牌", "type": FieldType.BOOLEAN},
    "daily_water_m3": {"label": "日均排水量（立方米）", "type": FieldType.DECIMAL},
    "application_summary": {"label": "申请事项说明", "type": FieldType.TEXT},
}


def field(name: str, required: bool = True) -> dict:
    """A form field definition from the vocabulary (ServiceSpec.form_fields format)."""
    known = FIELDS[name]
    data = {
        "name": name,
        "label": known["label"],
        "type": str(known["type"]),
        "required": required,
    }
    if "choices" in known:
        data["choices"] = list(known["choices"])
    return data


def fields(*names: str) -> list[dict]:
    """Field definitions; a trailing `?` marks an optional field."""
    return [field(name.rstrip("?"), required=not name.endswith("?")) for name in names]


# ---- the shared material vocabulary: one code per document, so it is uploaded once ---------

MATERIALS: dict[str, dict] = {
    "application_form": {"name": "申请表", "accepted_types": "pdf"},
    "business_licence": {"name": "营业执照", "accepted_types": "pdf,jpg,png"},
    "representative_id": {"name": "法定代表人身份证件", "accepted_types": "pdf,jpg,png"},
    "articles_of_association": {"name": "公司章程", "accepted_types": "pdf"},
    "premises_proof": {"name": "住所（经营场所）使用证明", "accepted_types": "pdf,jpg,png"},
    "seal_specimen": {"name": "印章样式", "accepted_types": "pdf,jpg,png"},
    "employee_list": {"name": "参保职工名册", "accepted_types": "pdf,xlsx"},
    "project_filing": {"name": "项目备案（核准、审批）文件", "accepted_types": "pdf"},
    "land_documents": {"name": "用地批准文件或不动产权证书", "accepted_types": "pdf"},
    "site_plan": {"name": "建设工程总平面图", "accepted_types": "pdf", "max_size_mb": 50},
    "design_drawings": {"name": "设计图纸", "accepted_types": "pdf", "max_size_mb": 100},
    "construction_contract": {"name": "施工合同", "accepted_types": "pdf"},
    "environment_report": {
        "name": "环境影响报告书（表）",
        "accepted_types": "pdf",
        "max_size_mb": 50,
    },
    "technical_report": {"name": "技术论证报告", "accepted_types": "pdf", "max_size_mb": 50},
    "acceptance_report": {"name": "竣工验收报告", "accepted_types": "pdf", "max_size_mb": 50},
    "premises_layout": {"name": "经营场所平面布局图", "accepted_types": "pdf,jpg,png"},
    "management_rules": {"name": "管理制度文本", "accepted_types": "pdf"},
    "qualification_proof": {"name": "专业人员资格证明", "accepted_types": "pdf,jpg,png"},
    "property_certificate": {"name": "不动产权属证明", "accepted_types": "pdf"},
}


def material(code: str, required: bool = True) -> dict:
    known = MATERIALS[code]
    return {
        "code": code,
        "name": known["name"],
        "is_required": required,
        "accepted_types": known["accepted_types"],
        "max_size_mb": known.get("max_size_mb", 10),
        "template": "",
    }


def materials(*codes: str) -> list[dict]:
    """Material definitions; a trailing `?` marks an optional material."""
    return [material(code.rstrip("?"), required=not code.endswith("?")) for code in codes]


# ---- per-matter facts the law or the fee schedule fixes ------------------------------------


@dataclass(frozen=True)
class Specific:
    statutory: int | None = None
    promised: str | None = None
    fee: str = "0"
    stage: int | None = None
    result: str = ""
    fields: tuple = ()
    materials: tuple = ()


STARTUP_FIELDS = (
    "company_name",
    "legal_representative",
    "legal_representative_id",
    "contact_phone",
)
PROJECT_FIELDS = (
    "company_name",
    "uscc",
    "contact_phone",
    "project_name",
    "project_code",
    "project_address",
)
LAND_FIELDS = (*PROJECT_FIELDS, "land_area_m2", "investment_10k_cny", "construction_content")
BUILDING_FIELDS = (*PROJECT_FIELDS, "land_area_m2", "building_area_m2", "investment_10k_cny")
START_FIELDS = (*PROJECT_FIELDS, "building_area_m2", "start_date", "contractor_name")
COMPLETION_FIELDS = (*PROJECT_FIELDS, "building_area_m2")
FOOD_FIELDS = (
    "company_name",
    "uscc",
    "legal_representative",
    "contact_phone",
    "registered_address",
    "premises_area_m2",
)
S1, S2, S3, S4, S5 = (stage.value for stage in NationalStage)

SPECIFIC: dict[str, Specific] = {
    # 企业开办: registration merged with social-insurance registration (市场主体登记管理条例
    # Art. 19: 3 working days when it cannot be done on the spot), and five companions.
    "企业设立登记": Specific(
        3,
        "0.5",
        result="营业执照（含社会保险登记信息）",
        fields=(
            *STARTUP_FIELDS,
            "registered_address",
            "registered_capital_10k_cny",
            "business_scope",
            "employees?",
        ),
        materials=("application_form", "articles_of_association", "premises_proof"),
    ),
    "印章刻制备案": Specific(
        1,
        "0.5",
        result="印章及公安备案信息",
        fields=(*STARTUP_FIELDS, "seal_count"),
        materials=("representative_id", "seal_specimen?"),
    ),
    "新办纳税人发票领用及税务UKey发放": Specific(
        1,
        "0.5",
        result="发票领用核定及税务UKey",
        fields=(*STARTUP_FIELDS, "invoice_type"),
        materials=("representative_id",),
    ),
    "员工参保登记（社会保险和医疗保险）": Specific(
        1,
        "0.5",
        result="职工参保登记回执",
        fields=("company_name", "contact_phone", "employees"),
        materials=("employee_list", "representative_id?"),
    ),
    "住房公积金缴存登记": Specific(
        1,
        "0.5",
        result="住房公积金单位缴存登记回执",
        fields=("company_name", "contact_phone", "employees"),
        materials=("employee_list",),
    ),
    "银行开户预约": Specific(
        1,
        "0.5",
        result="银行开户预约回执",
        fields=(*STARTUP_FIELDS, "bank"),
        materials=("representative_id",),
    ),
    "企业名称自主申报": Specific(1, "0.5", result="企业名称申报告知书"),
    "电子营业执照申领": Specific(1, "0.5", result="电子营业执照"),
    # 工程建设项目审批: stage 1 立项用地规划许可.
    "企业投资项目备案": Specific(
        3,
        "0.5",
        stage=S1,
        result="企业投资项目备案证明",
        fields=(*LAND_FIELDS,),
        materials=("application_form", "business_licence"),
    ),
    # 企业投资项目核准和备案管理条例 Art. 10: 20 working days.
    "企业投资项目核准": Specific(
        20,
        "8",
        stage=S1,
        result="项目核准文件",
        fields=LAND_FIELDS,
        materials=("application_form", "business_licence", "technical_report"),
    ),
    "政府投资项目可行性研究报告审批": Specific(
        20, "10", stage=S1, result="可行性研究报告批复", fields=LAND_FIELDS
    ),
    "建设项目用地预审与选址意见书核发": Specific(
        20,
        "5",
        stage=S1,
        result="建设项目用地预审与选址意见书",
        fields=LAND_FIELDS,
        materials=("application_form", "project_filing", "site_plan?"),
    ),
    "建设用地规划许可证核发": Specific(
        20,
        "5",
        stage=S1,
        result="建设用地规划许可证",
        fields=LAND_FIELDS,
        materials=("application_form", "project_filing", "land_documents"),
    ),
    "国有建设用地使用权划拨批准": Specific(stage=S1, fields=LAND_FIELDS),
    "建设用地改变用途审核": Specific(stage=S1, fields=LAND_FIELDS),
    "压覆重要矿产资源审查": Specific(stage=S1, fields=LAND_FIELDS),
    "规划条件变更审批": Specific(stage=S1, fields=LAND_FIELDS),
    "建设项目规划咨询服务": Specific(stage=S1, fields=LAND_FIELDS),
    "固定资产投资项目节能审查": Specific(
        20,
        "8",
        stage=S1,
        result="节能审查意见",
        fields=BUILDING_FIELDS,
        materials=("application_form", "technical_report"),
    ),
    # stage 2 工程建设许可.
    "建设工程设计方案审查": Specific(
        20,
        "7",
        stage=S2,
        result="设计方案审查意见",
        fields=BUILDING_FIELDS,
        materials=("application_form", "site_plan", "design_drawings"),
    ),
    "建设工程总平面图审查": Specific(stage=S2, fields=BUILDING_FIELDS),
    "建设工程规划许可证核发": Specific(
        20,
        "5",
        stage=S2,
        result="建设工程规划许可证",
        fields=BUILDING_FIELDS,
        materials=("application_form", "land_documents", "design_drawings"),
    ),
    "乡村建设规划许可证核发": Specific(stage=S2, fields=BUILDING_FIELDS),
    "临时建设工程规划许可": Specific(stage=S2, fields=BUILDING_FIELDS),
    # stage 3 施工许可 (建筑工程施工许可管理办法: 7 days; 消防设计审查验收管理暂行规定:
    # 15 working days).
    "建筑工程施工许可证核发": Specific(
        7,
        "3",
        stage=S3,
        result="建筑工程施工许可证",
        fields=START_FIELDS,
        materials=("application_form", "construction_contract", "design_drawings"),
    ),
    "建设工程消防设计审查": Specific(
        15,
        "7",
        stage=S3,
        result="消防设计审查意见书",
        fields=START_FIELDS,
        materials=("application_form", "design_drawings"),
    ),
    "施工图设计文件审查备案": Specific(
        10,
        "3",
        stage=S3,
        result="施工图审查合格书备案",
        fields=START_FIELDS,
        materials=("design_drawings", "technical_report?"),
    ),
    "建设工程质量监督手续办理": Specific(
        5, "1", stage=S3, result="工程质量监督告知书", fields=START_FIELDS
    ),
    "建设工程安全监督手续办理": Specific(
        5, "1", stage=S3, result="工程安全监督告知书", fields=START_FIELDS
    ),
    "结合民用建筑修建防空地下室审批": Specific(stage=S3, fields=START_FIELDS),
    "工程建设项目招标投标情况书面报告备案": Specific(5, "1", stage=S3, fields=START_FIELDS),
    "城市道路挖掘许可": Specific(stage=S3, fields=START_FIELDS),
    "城市道路占用许可": Specific(stage=S3, fields=START_FIELDS),
    "涉路施工许可": Specific(stage=S3, fields=START_FIELDS),
    "建设工程放线验线": Specific(5, "2", stage=S3, fields=START_FIELDS),
    "建筑垃圾处置核准": Specific(stage=S3, fields=START_FIELDS),
    # stage 4 竣工验收 (联合验收).
    "建设工程规划条件核实": Specific(stage=S4, fields=COMPLETION_FIELDS),
    "建设工程竣工规划核实": Specific(stage=S4, fields=COMPLETION_FIELDS),
    "建设工程消防验收": Specific(
        15,
        "7",
        stage=S4,
        result="消防验收意见书",
        fields=COMPLETION_FIELDS,
        materials=("application_form", "acceptance_report"),
    ),
    "建设工程消防验收备案": Specific(5, "2", stage=S4, fields=COMPLETION_FIELDS),
    "房屋建筑和市政基础设施工程竣工验收备案": Specific(
        15,
        "5",
        stage=S4,
        result="竣工验收备案证明",
        fields=COMPLETION_FIELDS,
        materials=("acceptance_report", "site_plan"),
    ),
    "燃气工程竣工验收备案": Specific(stage=S4, fields=COMPLETION_FIELDS),
    "人防工程竣工验收备案": Specific(stage=S4, fields=COMPLETION_FIELDS),
    "建设工程档案验收": Specific(stage=S4, fields=COMPLETION_FIELDS),
    "生产建设项目水土保持设施自主验收报备": Specific(stage=S4, fields=COMPLETION_FIELDS),
    "建设项目竣工环境保护验收信息公开": Specific(stage=S4, fields=COMPLETION_FIELDS),
    # 不动产登记暂行条例 Art. 20: 30 working days; 登记费 550 CNY per non-residential case.
    "不动产首次登记": Specific(
        30, "5", fee="550", stage=S4, result="不动产权证书", fields=COMPLETION_FIELDS
    ),
    "不动产转移登记": Specific(30, "5", fee="550", result="不动产权证书"),
    "不动产抵押登记": Specific(30, "3", fee="550", result="不动产登记证明"),
    "不动产变更登记": Specific(30, "3", result="不动产权证书"),
    "不动产登记资料查询": Specific(1, "0.5", result="不动产登记资料查询结果"),
    # 5 handled in parallel (环境影响评价法 Art. 22: report 60 days, report form 30 days;
    # 取水许可和水资源费征收管理条例 Art. 18: 45 days).
    "建设项目环境影响报告书审批": Specific(
        60,
        "20",
        stage=S5,
        result="环境影响报告书批复",
        fields=BUILDING_FIELDS,
        materials=("application_form", "environment_report", "project_filing"),
    ),
    "建设项目环境影响报告表审批": Specific(
        30,
        "10",
        stage=S5,
        result="环境影响报告表批复",
        fields=BUILDING_FIELDS,
        materials=("application_form", "environment_report", "project_filing"),
    ),
    "建设项目环境影响登记表备案": Specific(1, "0.5", stage=S5, fields=PROJECT_FIELDS),
    "取水许可": Specific(45, "15", stage=S5, result="取水许可决定书", fields=PROJECT_FIELDS),
    "河道管理范围内建设项目工程建设方案审批": Specific(stage=S5, fields=PROJECT_FIELDS),
    "水土保持方案审批": Specific(
        20,
        "8",
        stage=S5,
        result="水土保持方案批复",
        fields=BUILDING_FIELDS,
        materials=("application_form", "technical_report", "site_plan"),
    ),
    "非防洪建设项目洪水影响评价审批": Specific(stage=S5, fields=PROJECT_FIELDS),
    "临时用地审批": Specific(stage=S5, fields=LAND_FIELDS),
    "土地复垦方案审查": Specific(stage=S5, fields=LAND_FIELDS),
    "临时占用城市绿地审批": Specific(stage=S5, fields=PROJECT_FIELDS),
    "砍伐迁移城市树木审批": Specific(stage=S5, fields=PROJECT_FIELDS),
    "危险化学品建设项目安全条件审查": Specific(stage=S5, fields=BUILDING_FIELDS),
    "非煤矿山建设项目安全设施设计审查": Specific(stage=S5, fields=BUILDING_FIELDS),
    "建设项目职业病危害放射防护预评价审核": Specific(stage=S5, fields=BUILDING_FIELDS),
    "城市供水接入服务": Specific(5, "2", stage=S5, fields=(*PROJECT_FIELDS, "daily_water_m3?")),
    "排水接入服务": Specific(5, "2", stage=S5, fields=(*PROJECT_FIELDS, "daily_water_m3?")),
    # 开办餐饮店: the food business journey (食品经营许可和备案管理办法: 10 working days).
    "食品经营许可": Specific(
        10,
        "3",
        result="食品经营许可证",
        fields=(*FOOD_FIELDS, "food_business_category"),
        materials=("application_form", "premises_layout", "management_rules"),
    ),
    "公共场所卫生许可": Specific(
        20,
        "5",
        result="公共场所卫生许可证",
        fields=FOOD_FIELDS,
        materials=("application_form", "premises_layout"),
    ),
    "设置大型户外招牌审批": Specific(
        20,
        "5",
        result="户外招牌设置审批决定书",
        fields=(*FOOD_FIELDS, "has_outdoor_sign"),
        materials=("application_form", "premises_layout"),
    ),
    "城镇污水排入排水管网许可": Specific(
        20,
        "5",
        stage=S5,
        result="城镇污水排入排水管网许可证",
        fields=(*FOOD_FIELDS, "daily_water_m3"),
        materials=("application_form", "premises_layout"),
    ),
    "餐厨垃圾收运处置备案": Specific(5, "1", result="餐厨垃圾收运处置备案回执", fields=FOOD_FIELDS),
    # Other limits the law fixes.
    "医疗机构设置审批": Specific(30, "10"),  # 医疗机构管理条例 Art. 10
    "医疗机构执业登记": Specific(45, "15"),  # 医疗机构管理条例实施细则 Art. 28
    "商品房预售许可": Specific(10, "5"),  # 城市商品房预售管理办法 Art. 7
    "食品生产许可": Specific(20, "10"),  # 食品生产许可管理办法 Art. 23
    "商标注册受理服务": Specific(fee="270", result="商标注册申请受理通知书"),
}

# Fields and materials of matters without their own: construction items ask about the
# project, the others about the enterprise.
GENERIC_FIELDS = (
    "company_name",
    "uscc",
    "legal_representative",
    "contact_phone",
    "application_summary?",
)
PROJECT_MATERIALS = ("application_form", "project_filing", "site_plan?")
GENERIC_MATERIALS = ("application_form", "business_licence", "qualification_proof?")
SERVICE_MATERIALS = ("application_form", "business_licence")


def _promised(statutory: int, kind: str) -> Decimal:
    if kind == MatterKind.PUBLIC_SERVICE:
        return min(SERVICE_PROMISE_DAYS, Decimal(statutory))
    share = (Decimal(statutory) * APPROVAL_PROMISE_SHARE).quantize(
        Decimal("1"), rounding=ROUND_HALF_UP
    )
    return max(Decimal(1), share)


def _result_document(name: str, kind: str) -> str:
    if name.endswith("核发"):
        return name.removesuffix("核发")
    if name.endswith("许可"):
        return f"{name}证"
    if "备案" in name or "报备" in name:
        return "备案回执"
    if "登记" in name:
        return "登记通知书"
    if kind == MatterKind.PUBLIC_SERVICE:
        return "办理结果告知书"
    return "准予行政许可决定书"


def spec_for(name: str, kind: str) -> tuple[dict, list[dict]]:
    """The specification data and materials of one matter (spec_save's `data`, `materials`)."""
    specific = SPECIFIC.get(name, Specific())
    default_days = APPROVAL_STATUTORY_DAYS if kind == MatterKind.APPROVAL else SERVICE_STANDARD_DAYS
    statutory = specific.statutory or default_days
    promised = Decimal(specific.promised) if specific.promised else _promised(statutory, kind)
    is_project = specific.stage is not None
    field_names = specific.fields or (PROJECT_FIELDS if is_project else GENERIC_FIELDS)
    if specific.materials:
        material_codes = specific.materials
    elif is_project:
        material_codes = PROJECT_MATERIALS
    else:
        material_codes = GENERIC_MATERIALS if kind == MatterKind.APPROVAL else SERVICE_MATERIALS
    data = {
        "statutory_limit_working_days": statutory,
        "promised_limit_working_days": promised,
        "fee_cny": Decimal(specific.fee),
        "national_stage": specific.stage,
        "result_document": specific.result or _result_document(name, kind),
        "form_fields": fields(*field_names),
    }
    return data, materials(*material_codes)


# ---- journeys -------------------------------------------------------------------------------

STARTUP_BASELINE = (
    "改革前企业开办各环节分别办理：名称核准、设立登记、刻章、申领发票、社保登记、公积金登记"
    "和银行开户依次进行，从提交第一份申请到全部办结合计约 20 个工作日（区政务服务中心 2019 年"
    "台账抽样）。"
)
STARTUP_TARGET = (
    "一表申请、一次提交、六个事项并联办理：从提交完整申请到最后一个必办事项办结，不超过 0.5 个"
    "工作日（国家企业开办最佳实践：2 个环节、0.5 个工作日、0 费用）；补正期间不计时。"
)
CONSTRUCTION_BASELINE = (
    "改革前社会投资工业项目从取得项目备案到取得施工许可证，各审批事项串联办理，合计约 197 个"
    "工作日（含中介服务和技术审查时间）。"
)
CONSTRUCTION_TARGET = (
    "立项用地规划许可、工程建设许可、施工许可三个阶段，每阶段一家牵头、一张表单、并联审批："
    "从提交完整申请到最后一个必办事项办结不超过 60 个工作日；依法不计时的听证、招标、检测、"
    "专家评审等特别程序和补正时间不计入（行政许可法第四十五条）。"
)
FOOD_BASELINE = (
    "改革前开办餐饮店需分别申请食品经营许可、公共场所卫生许可、排水许可、户外招牌审批和餐厨"
    "垃圾收运备案，各事项承诺时限依次相加约 15 个工作日。"
)
FOOD_TARGET = (
    "一表申请、一次提交、并联办理：从提交完整申请到最后一个必办事项办结不超过 3 个工作日；"
    "现场核查与补正期间不计时。"
)


@dataclass(frozen=True)
class JourneyData:
    code: str
    name: str
    description: str
    needs_enterprise: bool
    baseline: tuple  # (value, unit, definition)
    target: tuple
    # [(order, name, lead body name, [(matter code, mandatory, fully online), ...]), ...]
    stages: tuple

    def as_data(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "description": self.description,
            "needs_enterprise": self.needs_enterprise,
            "baseline_value": Decimal(self.baseline[0]),
            "baseline_unit": self.baseline[1],
            "baseline_definition": self.baseline[2],
            "target_value": Decimal(self.target[0]),
            "target_unit": self.target[1],
            "target_definition": self.target[2],
            "is_active": True,
        }


WORKING_DAYS = TimeUnit.WORKING_DAYS.value
JOURNEYS = (
    JourneyData(
        code="business_startup",
        name="企业开办",
        description=(
            "新开办企业一表填报、一次提交：设立登记（同步社保登记）、公章刻制、发票和税务UKey、"
            "员工参保、住房公积金缴存登记、银行开户预约六个事项并联办理。"
        ),
        needs_enterprise=False,
        baseline=("20", WORKING_DAYS, STARTUP_BASELINE),
        target=("0.5", WORKING_DAYS, STARTUP_TARGET),
        stages=(
            (
                1,
                "企业开办并联办理",
                "区行政审批局",
                (
                    ("XS001", True, True),
                    ("XS019", True, True),
                    ("XS024", True, True),
                    ("RS003", True, True),
                    ("ZJ029", True, True),
                    ("XS020", False, True),
                ),
            ),
        ),
    ),
    JourneyData(
        code="construction_pre_start",
        name="工程建设项目开工前审批",
        description=(
            "社会投资工程建设项目从立项到取得施工许可：立项用地规划许可、工程建设许可、施工许可"
            "三个阶段依次推进，阶段内一家牵头、并联审批；环评、水保等事项在相应阶段并行推进。"
        ),
        needs_enterprise=True,
        baseline=("197", WORKING_DAYS, CONSTRUCTION_BASELINE),
        target=("60", WORKING_DAYS, CONSTRUCTION_TARGET),
        stages=(
            (
                1,
                "立项用地规划许可",
                "区发展和改革局",
                (
                    ("FG001", True, True),
                    ("GZ001", True, False),
                    ("GZ002", True, False),
                    ("JX001", False, False),
                ),
            ),
            (
                2,
                "工程建设许可",
                "区规划和自然资源局",
                (
                    ("GZ012", True, False),
                    ("GZ003", True, False),
                    ("ST002", True, False),
                    ("SWJ003", False, False),
                ),
            ),
            (
                3,
                "施工许可",
                "区住房建设和交通运输局",
                (
                    ("ZJ012", True, False),
                    ("ZJ002", True, False),
                    ("ZJ006", True, True),
                    ("ZJ007", True, True),
                    ("ZJ001", True, False),
                ),
            ),
        ),
    ),
    JourneyData(
        code="food_business",
        name="开办餐饮店",
        description=(
            "已登记的企业开办餐饮门店：食品经营许可、公共场所卫生许可、污水排入排水管网许可、"
            "大型户外招牌设置审批和餐厨垃圾收运处置备案一表申请、并联办理。"
        ),
        needs_enterprise=True,
        baseline=("15", WORKING_DAYS, FOOD_BASELINE),
        target=("3", WORKING_DAYS, FOOD_TARGET),
        stages=(
            (
                1,
                "餐饮店开办并联办理",
                "区行政审批局",
                (
                    ("XS006", True, False),
                    ("XS012", False, False),
                    ("SWJ004", True, False),
                    ("ZF005", False, False),
                    ("ZF007", True, True),
                ),
            ),
        ),
    ),
)
