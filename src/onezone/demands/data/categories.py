"""The demand categories (诉求分类): what enterprises ask about, each mapped to the register matter
whose holder handles it, so dispatch can route a demand without a lead unit being named.

The names are data (Chinese, shown as they are); the groups are translated choices.
"""

from django.db import transaction

from onezone.demands.choices import CategoryGroup

# The category the hotline and liaison visits use when nothing more precise fits.
GENERAL_CATEGORY = "general"

G = CategoryGroup
# (code, name, group, matter code, description)
CATEGORIES: list[tuple[str, str, str, str, str]] = [
    ("general", "综合咨询及其他", G.CONSULTATION, "ZZ003", "无法归类的咨询、建议与其他诉求"),
    ("licence_consult", "涉企审批咨询", G.CONSULTATION, "XS023", "办事指南、材料、流程咨询"),
    ("business_startup", "企业开办与变更", G.APPROVAL, "XS001", "设立、变更、注销登记"),
    ("construction_permit", "施工许可", G.APPROVAL, "ZJ001", "建筑工程施工许可办理"),
    ("planning_permit", "规划许可", G.APPROVAL, "GZ003", "工程规划许可与规划条件"),
    ("eia_approval", "环评审批", G.APPROVAL, "ST002", "建设项目环境影响评价审批"),
    ("fire_acceptance", "消防验收", G.APPROVAL, "ZJ003", "消防设计审查与竣工验收"),
    ("project_factors", "重大项目要素保障", G.POLICY, "FG004", "项目推进中的要素协调"),
    ("hightech", "高新技术企业认定", G.POLICY, "KJ001", "高企认定申报与奖补兑现"),
    ("specialised_sme", "专精特新培育", G.POLICY, "JX004", "专精特新申报与政策兑现"),
    ("digital_upgrade", "技改与数字化转型扶持", G.POLICY, "JX003", "技改、数字化转型项目与资金"),
    ("water_supply", "供水", G.FACTORS, "SWJ008", "供水接入、停水、水压"),
    ("drainage", "排水", G.FACTORS, "SWJ009", "排水接入与管网堵塞"),
    ("power_supply", "供电", G.FACTORS, "FG004", "用电报装、停电、电力容量"),
    ("gas_supply", "供气", G.FACTORS, "ZJ014", "燃气报装与供气保障"),
    ("network", "通信网络", G.FACTORS, "JX003", "宽带、5G 与专线接入"),
    ("premises", "标准化厂房", G.FACTORS, "GL003", "厂房租赁、配套与维修"),
    ("land_use", "项目用地", G.FACTORS, "GZ001", "用地预审、选址与供地"),
    ("recruitment", "招聘用工", G.TALENT, "RS004", "招工、用工与劳动关系"),
    ("talent_recognition", "人才认定", G.TALENT, "RS005", "高层次人才认定与待遇"),
    ("social_insurance", "社保参保", G.TALENT, "RS003", "员工参保登记与转移"),
    ("financing", "融资服务", G.FINANCE, "SJ008", "知识产权质押融资与银企对接"),
    ("tax_invoice", "税务发票", G.FINANCE, "XS024", "发票领用、税务 UKey 与办税"),
    ("credit_repair", "信用修复", G.FINANCE, "SJ010", "行政处罚信息信用修复"),
    ("pollution_permit", "排污许可", G.ENVIRONMENT, "ST004", "排污许可与环保手续"),
    ("work_safety", "安全生产", G.ENVIRONMENT, "GL004", "安全生产检查与隐患整改"),
    ("construction_noise", "施工噪声与扬尘", G.ENVIRONMENT, "ST010", "夜间施工与周边扰民"),
    ("ip_trademark", "知识产权与商标", G.MARKET, "SJ009", "商标注册与知识产权保护"),
    ("legal_rights", "法律服务与维权", G.MARKET, "SF001", "合同纠纷、欠款与法律咨询"),
    ("children_schooling", "子女入学", G.AMENITY, "JY005", "企业人才子女入学"),
    ("talent_housing", "人才住房", G.AMENITY, "ZJ029", "人才公寓与住房保障"),
    ("medical_care", "就医服务", G.AMENITY, "WJ002", "就医绿色通道与医疗服务"),
    ("commuting", "交通出行", G.AMENITY, "ZJ020", "通勤班车与公交线路"),
]


def category_matter_codes() -> list[str]:
    """Every matter code the categories need (tests create these matters)."""
    return sorted({matter for _code, _name, _group, matter, _description in CATEGORIES})


def categories_seed() -> int:
    """Create or update the categories (idempotent); returns how many were created.

    Raises LookupError naming the missing matter codes: a category that cannot route must
    not be seeded silently."""
    from onezone.demands.models import DemandCategory
    from onezone.register.models import Matter

    matters = {m.code: m for m in Matter.objects.filter(code__in=category_matter_codes())}
    missing = sorted(set(category_matter_codes()) - set(matters))
    if missing:
        raise LookupError(f"Demand categories need register matters: {', '.join(missing)}")
    created = 0
    with transaction.atomic():
        for order, (code, name, group, matter, description) in enumerate(CATEGORIES, start=1):
            _category, was_created = DemandCategory.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "group": group,
                    "matter": matters[matter],
                    "description": description,
                    "sort_order": order * 10,
                },
            )
            created += was_created
    return created
