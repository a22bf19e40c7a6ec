"""What demo customers complain about: the seven kinds of seed 001 第十六条, in the words
a securities broker's customers use, plus English ones for the foreign-language desk.

Written for Redress (not copied from real cases); names and numbers are made up.
Each story fixes the category, a severity the complaints office would give it, and
whether money is claimed (which makes it an economic dispute for the CRO).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Story:
    category: str
    severity: str
    subject: str
    cause: str
    request: str
    amount: int | None = None
    language: str = "zh-hans"


STORIES: tuple[Story, ...] = (
    Story("counter", "low", "转托管办理时间过长",
          "我上周五在营业部柜台申请把股票转托管到另一家券商,柜台说两个交易日内完成,到今天已经第五个交易日了还没转出,打电话问了三次都说在处理。",
          "请尽快办理完毕并说明延误原因"),
    Story("counter", "low", "销户被要求多次到现场",
          "我已经退休住在外地,申请销户时柜台说必须本人到场,我来了以后又说缺少资料让我再跑一趟,之前电话里没有任何人告诉我需要带什么。",
          "希望一次性告知所需材料,并允许邮寄办理剩余手续"),
    Story("counter", "medium", "开户资料信息填写错误",
          "开户时工作人员把我的风险承受能力问卷答案录错了,导致我的评级是保守型,现在无法申购债券基金。",
          "更正我的风险测评结果"),
    Story("counter", "low", "营业部现场排队时间长",
          "周一上午在营业部办理密码重置,现场只开了一个窗口,排了一个半小时,保安还态度不好。",
          "增加窗口,改进排队管理"),
    Story("trading_assets", "high", "委托已报但未成交",
          "昨天下午两点多我挂单买入,系统显示已报,但直到收盘都没成交,当时的成交价明明低于我的委托价,我认为是公司通道的问题,造成我少赚约八千元。",
          "请核实委托记录并赔偿损失", 8000),
    Story("trading_assets", "medium", "融资融券强制平仓未提前通知",
          "我的信用账户维持担保比例跌到130%以下,公司在第二天开盘就强制平仓了,我没收到任何短信或电话通知,平仓价格也是当天最低附近。",
          "要求提供平仓依据和通知记录,并赔偿差价损失", 23000),
    Story("trading_assets", "medium", "新股中签后未自动扣款",
          "我中签了一只新股,账户里当天有足够资金,但系统没有扣款,导致被认定放弃认购,半年内还影响我的申购资格。",
          "查明原因,恢复我的申购资格"),
    Story("trading_assets", "high", "账户被盗买盗卖",
          "今天早上打开App发现账户里的股票被全部卖出,又买入了几只我从来没关注过的小盘股,这些交易不是我本人操作的,资金被盗取了。",
          "立即冻结账户,查清是谁操作的,赔偿全部损失", 150000),
    Story("trading_assets", "medium", "分红派息到账金额不对",
          "公司公告每10股派3元,我持有2000股,到账只有510元,扣税后也对不上,客服解释不清楚。",
          "提供红利税计算明细"),
    Story("info_system", "high", "交易系统故障无法下单",
          "今天上午9点35分到10点20分App一直无法登录,提示网络异常,电话也打不进去,当时行情大跌,我想卖出却下不了单,损失了两万多。",
          "请说明系统故障原因并赔偿损失", 21000),
    Story("info_system", "medium", "行情中断导致误操作",
          "下午开盘后行情中断了十几分钟,界面上的价格一直不动,我按照旧价格挂了单,成交后发现价格差很多。",
          "请确认当时的系统状况"),
    Story("info_system", "low", "App升级后无法查看历史对账单",
          "App更新到新版本以后,历史对账单只能查最近三个月,我要做个人所得税申报需要全年的交易明细。",
          "恢复历史对账单查询,或者邮寄纸质对账单"),
    Story("info_system", "medium", "银证转账资金未到账",
          "周三下午三点前做了证券转银行,银行卡到现在没有收到钱,证券账户里的资金已经扣掉了。",
          "尽快查明资金去向并到账"),
    Story("marketing", "high", "客户经理承诺保本保收益",
          "客户经理向我推荐一款资管产品,说保本保收益,年化至少8%,我才买了30万。现在亏了12%,他说产品合同里写了不保本,当初根本没给我看合同。",
          "要求赎回并赔偿本金损失", 36000),
    Story("marketing", "medium", "营销人员频繁电话骚扰",
          "我已经明确拒绝了好几次,你们营业部的营销人员还是每周打两三次电话推荐开通期权和两融,严重影响生活。",
          "停止对我的电话营销"),
    Story("marketing", "medium", "佣金费率与宣传不符",
          "开户时营销人员说佣金万分之一点五,结果对账单显示收的是万分之三,差了一倍,一年多收了我四千多块。",
          "按约定费率退还多收的佣金", 4300),
    Story("marketing", "high", "员工私下代客理财",
          "营业部员工小李让我把账户密码告诉他,说帮我操作赚钱,结果频繁买卖,半年亏了十几万,手续费就交了两万多。我后来才知道这是违规的。",
          "追究员工责任,赔偿损失", 120000),
    Story("service_quality", "low", "客服电话长时间无人接听",
          "连续三天拨打客服热线,每次排队等待超过20分钟,转人工后直接挂断。",
          "改善客服接通率"),
    Story("service_quality", "low", "工作人员态度恶劣",
          "在营业部咨询融资融券开通条件,柜台人员不耐烦,说'不懂就别炒股',我非常生气。",
          "要求该员工道歉"),
    Story("service_quality", "medium", "投诉后无人回复",
          "半个月前我在官网留言投诉对账单错误,至今没有任何人联系我,也查不到处理进度。",
          "给出答复和处理时限"),
    Story("suitability", "high", "高风险产品卖给保守型投资者",
          "我母亲今年72岁,风险评级是保守型,营业部却让她买了R4级的私募产品,签字的时候也没有做双录。现在产品亏损一半。",
          "退还本金,追究销售人员责任", 80000),
    Story("suitability", "medium", "开通创业板权限未充分揭示风险",
          "营业部帮我开通创业板时只是让我在平板上签字,没有讲解风险揭示书的内容,现在亏损后才知道涨跌幅是20%。",
          "要求说明当时的适当性评估过程"),
    Story("other", "low", "营业部搬迁未提前告知",
          "去营业部办业务才发现已经搬走了,门口没有任何告示,短信也没收到。",
          "今后重要变更请提前通知"),
    Story("other", "medium", "个人信息疑似泄露",
          "最近经常接到陌生人电话,能准确说出我的姓名、证券账户和持仓情况,推荐所谓内幕消息,我怀疑是你们公司泄露了我的信息。",
          "调查信息泄露情况并给出说明"),
    Story("counter", "low", "Custody transfer still pending after a week",
          "I asked the branch to transfer my shares to another broker last Monday. I was told it would take two trading "
          "days; a week later nothing has moved and nobody can tell me why.",
          "Complete the transfer and explain the delay", None, "en"),
    Story("trading_assets", "medium", "Margin position closed out without notice",
          "My margin account was liquidated at the open without any phone call or text message. The sale prices were "
          "near the low of the day. I lost about 15,000 yuan that I could have avoided by adding collateral.",
          "Show me the notices you sent and compensate the difference", 15000, "en"),
    Story("info_system", "high", "App down during market sell-off",
          "From 9:40 to 10:15 this morning the app showed a network error and I was unable to log in or place orders "
          "while the market fell sharply. The hotline was busy the whole time.",
          "Explain the outage and compensate my loss", 9000, "en"),
    Story("marketing", "medium", "Adviser promised a guaranteed return",
          "The account manager told me the structured product was guaranteed to return 6% a year and that the "
          "principal was safe. The contract says otherwise and I am now down 9%.",
          "Refund my principal", 27000, "en"),
    Story("service_quality", "low", "Nobody returns my calls",
          "I have left three messages for my account manager about a wrong fee on my statement. No one has called back "
          "in two weeks.",
          "Someone to call me back and correct the fee", None, "en"),
    Story("suitability", "high", "High-risk fund sold to my elderly father",
          "My father is 78 and rated conservative, yet the branch sold him a high-risk private fund without the "
          "required recorded explanation. He did not understand what he bought.",
          "Cancel the purchase and refund him", 50000, "en"),
)

INQUIRIES: tuple[tuple[str, str, str], ...] = (
    ("科创板开户条件咨询", "想问一下开通科创板需要什么条件?", "前20个交易日日均资产不低于50万元,并有24个月以上交易经验"),
    ("融资融券利率咨询", "现在融资利率是多少?可以优惠吗?", "当前年化利率以公司公告为准,可联系客户经理了解优惠方案"),
    ("港股通开通咨询", "港股通怎么开通?需要去营业部吗?", "可在App办理,需资产50万元并通过知识测评"),
    ("How do I reset my trading password?", "I forgot my trading password. Can I reset it online?",
     "Yes: in the app under Account > Security, with face verification"),
)

NAMES_ZH = ("王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵丽", "黄志强", "周敏", "吴磊", "徐婷",
            "孙浩", "马俊", "朱红", "胡斌", "郭芳", "何平", "高翔", "林雪", "罗军")
NAMES_EN = ("David Chen", "Sarah Wong", "Michael Lee", "Emily Zhang", "James Liu", "Anna Ho")
