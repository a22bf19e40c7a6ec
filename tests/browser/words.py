"""What a person reads on the workbench, in each language, written out here rather than
taken from the application's catalogues: a test that asked the catalogue what to expect
could not notice a wrong or missing translation."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Words:
    username: str
    password: str
    sign_in: str
    new_complaint: str  # the intake menu entry
    states: dict[str, str]
    actions: dict[str, str]
    read_back: str
    confirm_save: str
    acknowledgment: str
    satisfied: str
    not_satisfied: str
    linked: str
    recomplaint_of: str
    recomplained_in: str
    forbidden_warning: str
    live_warning: str
    send_as_confirmed: str
    send_with: str  # "... with “%s”" checkbox
    extension_rule: str
    extension_too_late: str
    not_allowed_notice: str
    handled_no_callback: str


ZH = Words(
    username="用户名",
    password="密码",
    sign_in="登录",
    new_complaint="登记投诉",
    states={
        "registered": "已登记", "assessed": "已评估", "dispatched": "已派单", "investigating": "调查处理中",
        "proposed": "方案待审批", "approved": "方案已审批", "remedy_pending": "待执行处理措施",
        "awaiting_callback": "待回访", "follow_up": "跟进中", "closed": "已办结", "archived": "已归档",
    },
    actions={
        "assess": "评估分类", "dispatch": "派发处理单", "accept_assignment": "接收处理单",
        "add_finding": "添加调查记录", "propose": "提出处理方案", "approve": "批准处理方案",
        "communicate_result": "告知客户处理结果", "execute_remedy": "登记补救措施已执行",
        "record_callback": "记录回访", "archive": "归档", "recomplain": "受理再投诉",
        "request_extension": "申请延期", "decide_extension": "审批延期申请", "send_message": "致函客户",
    },
    read_back="向客户复述确认",
    confirm_save="客户已确认,保存",
    acknowledgment="投诉受理告知书",
    satisfied="满意",
    not_satisfied="不满意",
    linked="关联投诉",
    recomplaint_of="再投诉,原案",
    recomplained_in="已再投诉,新案",
    forbidden_warning="禁止使用的用语",
    live_warning="文本中含有禁用语",
    send_as_confirmed="确认后发送",
    send_with="确认保留「%s」并发送",
    extension_rule="001 第二十二条",
    extension_too_late="工作日",
    not_allowed_notice="按您的角色",
    handled_no_callback="001 第二十三条",
)

EN = Words(
    username="Username",
    password="Password",
    sign_in="Sign in",
    new_complaint="New complaint",
    states={
        "registered": "Registered", "assessed": "Assessed", "dispatched": "Dispatched",
        "investigating": "Investigating", "proposed": "Resolution proposed", "approved": "Resolution approved",
        "remedy_pending": "Remedy pending", "awaiting_callback": "Awaiting callback", "follow_up": "Follow-up",
        "closed": "Closed", "archived": "Archived",
    },
    actions={
        "assess": "Assess", "dispatch": "Dispatch", "accept_assignment": "Accept the work order",
        "add_finding": "Add a finding", "propose": "Propose a resolution", "approve": "Approve the proposal",
        "communicate_result": "Tell the customer the result", "execute_remedy": "Record a remedy as done",
        "record_callback": "Record the callback", "archive": "Archive", "recomplain": "Take a re-complaint",
        "request_extension": "Request an extension", "decide_extension": "Decide the extension request",
        "send_message": "Write to the customer",
    },
    read_back="Read it back to the customer",
    confirm_save="Confirmed by the customer: save",
    acknowledgment="Acknowledgment of your complaint",
    satisfied="satisfied",
    not_satisfied="not satisfied",
    linked="Linked complaints",
    recomplaint_of="re-complaint of",
    recomplained_in="re-complained in",
    forbidden_warning="forbids",
    live_warning="Forbidden phrases in this text",
    send_as_confirmed="Send as confirmed",
    send_with="Send it with “%s”",
    extension_rule="001 第二十二条",
    extension_too_late="working days",
    not_allowed_notice="Your roles do not seem to allow this",
    handled_no_callback="001 第二十三条",
)

WORDS = {"zh-hans": ZH, "en": EN}
