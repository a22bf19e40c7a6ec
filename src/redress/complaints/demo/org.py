"""The demo institution: a securities broker organised as seed 001 第四、五条 describes,
with somebody in every role so each screen and each separation-of-duties rule can be
tried by signing in as the right person."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from redress.complaints.models import Institution, OrgUnit, Staff, StaffRole

K = OrgUnit.Kind
DEMO_NAME_EN = "Example Securities Co., Ltd. (demo)"

# code, Chinese name, English name, kind, parent code
UNITS = (
    ("retail_hq", "零售客户总部", "Retail client headquarters", K.HEADQUARTERS, None),
    ("customer_service", "客户服务中心", "Customer service centre", K.CUSTOMER_SERVICE, "retail_hq"),
    ("brokerage_dept", "经纪业务主管部门", "Brokerage department", K.COMPLAINTS_OFFICE, "retail_hq"),
    ("it_center", "信息技术中心", "IT centre", K.DEPARTMENT, "retail_hq"),
    ("marketing_center", "营销中心", "Marketing centre", K.DEPARTMENT, "retail_hq"),
    ("compliance_legal", "合规与法律事务部", "Compliance and legal", K.DEPARTMENT, "retail_hq"),
    ("audit_hq", "审计总部", "Internal audit", K.DEPARTMENT, "retail_hq"),
    ("risk_mgmt", "风险管理部", "Risk management", K.DEPARTMENT, "retail_hq"),
    ("branch_tianhe", "广州天河路证券营业部", "Guangzhou Tianhe Road branch", K.BRANCH, "retail_hq"),
    ("branch_pudong", "上海浦东南路证券营业部", "Shanghai Pudong South Road branch", K.BRANCH, "retail_hq"),
    ("branch_chaoyang", "北京朝阳门证券营业部", "Beijing Chaoyangmen branch", K.BRANCH, "retail_hq"),
    ("branch_futian", "深圳福田证券营业部", "Shenzhen Futian branch", K.BRANCH, "retail_hq"),
)
BRANCHES = ("branch_tianhe", "branch_pudong", "branch_chaoyang", "branch_futian")

# username, display name, unit code, roles, is_marketing
PEOPLE = (
    ("intake.li", "李晓梅(客服)", "customer_service", ["intake"], False),
    ("intake.wang", "王芳(客服)", "customer_service", ["intake"], False),
    ("intake.zhao", "赵磊(客服)", "customer_service", ["intake"], False),
    ("callback.sun", "孙丽(回访)", "customer_service", ["callback"], False),
    ("callback.qian", "钱进(回访)", "customer_service", ["callback"], False),
    ("office.chen", "陈刚(经纪业务主管部门)", "brokerage_dept", ["complaints_office"], False),
    ("office.he", "何琳(经纪业务主管部门)", "brokerage_dept", ["complaints_office"], False),
    ("handler.brokerage", "蒋涛(经纪业务主管部门)", "brokerage_dept", ["handler"], False),
    ("handler.it", "冯宇(信息技术中心)", "it_center", ["handler"], False),
    ("head.it", "邓伟(信息技术中心负责人)", "it_center", ["dept_head"], False),
    ("cro.xu", "徐明(首席风险官)", "risk_mgmt", ["cro"], False),
    ("senior.liang", "梁总(分管领导)", "retail_hq", ["senior_management"], False),
    ("compliance.tang", "唐敏(合规)", "compliance_legal", ["compliance"], False),
    ("audit.song", "宋洁(审计总部)", "audit_hq", ["audit"], False),
    ("auditor.ext", "External auditor", "audit_hq", ["auditor"], False),
    ("marketing.lu", "陆阳(营销)", "marketing_center", [], True),
    ("admin", "系统管理员", "retail_hq", ["admin"], False),
)
# Each branch has two intake desks, two handlers, a head and a marketing employee
# (marketing staff may guide a complaint in, never accept or handle it: 001 第十四条).
for _code, _city in (("tianhe", "天河"), ("pudong", "浦东"), ("chaoyang", "朝阳"), ("futian", "福田")):
    PEOPLE += (
        (f"intake.{_code}", f"{_city}营业部柜台", f"branch_{_code}", ["intake"], False),
        (f"handler.{_code}1", f"{_city}营业部经办一", f"branch_{_code}", ["handler"], False),
        (f"handler.{_code}2", f"{_city}营业部经办二", f"branch_{_code}", ["handler"], False),
        (f"head.{_code}", f"{_city}营业部负责人", f"branch_{_code}", ["dept_head"], False),
        (f"marketing.{_code}", f"{_city}营业部客户经理", f"branch_{_code}", [], True),
    )


@dataclass
class Cast:
    institution: Institution
    units: dict[str, OrgUnit]
    staff: dict[str, Staff]
    by_role: dict[str, list[Staff]] = field(default_factory=dict)

    def in_unit(self, unit: OrgUnit, role: str) -> list[Staff]:
        return [s for s in self.by_role.get(role, []) if s.unit_id == unit.pk]


def build_org(password: str) -> Cast:
    inst = Institution.objects.create(name="示例证券股份有限公司", name_en=DEMO_NAME_EN)
    units: dict[str, OrgUnit] = {}
    for code, name, name_en, kind, parent in UNITS:
        units[code] = OrgUnit.objects.create(institution=inst, code=code, name=name, name_en=name_en, kind=kind,
                                             parent=units.get(parent) if parent else None)
    hashed = make_password(password)  # one hash for all: hashing forty times would take seconds
    staff: dict[str, Staff] = {}
    by_role: dict[str, list[Staff]] = {}
    for username, display, unit, roles, marketing in PEOPLE:
        person = Staff.objects.create(username=username, password=hashed, display_name=display, unit=units[unit],
                                      is_marketing=marketing, email=f"{username}@example-securities.cn",
                                      is_staff="admin" in roles, is_superuser="admin" in roles)
        for role in roles:
            StaffRole.objects.create(staff=person, role=role)
            by_role.setdefault(role, []).append(person)
        staff[username] = person
    return Cast(inst, units, staff, by_role)


def set_passwords(password: str) -> int:
    """A re-run of `redress demo` prints a fresh password, so set it on everyone."""
    usernames = [p[0] for p in PEOPLE]
    return Staff.objects.filter(username__in=usernames).update(password=make_password(password))


def login_table(password: str) -> str:
    rows = [f"  {u:<20} {', '.join(r) or ('marketing' if m else '-'):<20} {d}" for u, d, _, r, m in PEOPLE]
    return "\n".join([f"Demo logins (password for all: {password})", *rows])
