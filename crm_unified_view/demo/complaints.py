"""Complaints of the demo customers at every stage, with their chatter, activities, reply clocks
and satisfaction surveys (after the demo knowledge base and the sales history)."""
from datetime import timedelta

from odoo import fields

MODULE = "crm_unified_view"

# customer and product: XML ids without "res_partner_" / "product_product_". "{order}" in a
# description becomes the customer's latest order of the product in the 90 days before the
# complaint, if any.
# messages: (days ago, kind, body) with kind "email" (from the customer), "reply" (to the customer)
# or "note" (internal); rating: (satisfaction 0-5, recommendation 0-10, comment) from the survey.
COMPLAINTS = [
    {
        "customer": "mingde_edu_xujing", "product": "gft_01",
        "subject": "中秋月饼礼盒延迟送达，错过员工福利发放", "channel": "phone", "category": "delivery",
        "priority": "3", "stage": "closed", "days_ago": 70, "closed_days_ago": 62,
        "description": "<p>徐主管来电：公司给员工的 200 份中秋月饼礼盒{order}晚了两天才送达，"
                       "错过了节前的福利发放，员工意见很大。要求说明延迟原因并给出补偿方案。</p>",
        "resolution": "<p>原因：第三方物流在分拨中心积压，延迟两天送达。已退还全部运费，下次订单给予九折优惠；"
                      "该线路已更换物流供应商，节日订单改为提前一周发货。</p>",
        "messages": [
            (69, "note", "物流查询：货物在分拨中心滞留两天，承运商已书面确认是其责任。"),
            (66, "reply", "徐主管您好，这次延迟送达耽误了贵司的节日福利发放，我们深表歉意。补偿方案如下：退还本单全部运费，"
                          "贵司下次订单享受九折优惠。今后节日订单我们会提前一周发货，并在发货前与您确认物流安排。"),
            (62, "note", "客户接受补偿方案，运费已退回，结案。"),
        ],
        "rating": (2, 5, "希望以后节日订单能提前确认物流安排。"),
    },
    {
        "customer": "zhang_wei", "product": "set_02",
        "subject": "退货已寄回两周，退款还没到账", "channel": "phone", "category": "service",
        "priority": "1", "stage": "closed", "days_ago": 50, "closed_days_ago": 45,
        "description": "<p>客户来电：青花瓷盖碗套装{order}两周前已按流程寄回，快递显示已签收，但退款至今没有到账，"
                       "客服热线打了两次都说在处理。</p>",
        "resolution": "<p>财务核实：退款因客户银行账户信息有误被银行退回。已与客户重新确认账户并再次退款，客户确认已到账。</p>",
        "messages": [
            (49, "note", "财务反馈：退款被银行退回，原因是收款账户户名不符。"),
            (48, "reply", "张先生您好，经核实，您的退款因收款账户户名与银行记录不一致被退回。麻烦您确认一下收款账户，"
                          "我们收到后当天重新退款。给您添麻烦了，非常抱歉。"),
            (45, "note", "客户来电确认退款已到账。"),
        ],
        "rating": (3, 6, "退款是到了，但中间要自己打好几次电话催。"),
    },
    {
        "customer": "wang_jianhua", "product": "set_01",
        "subject": "宜兴紫砂壶到货时壶盖碎裂", "channel": "web", "category": "delivery",
        "priority": "1", "stage": "resolved", "days_ago": 35, "closed_days_ago": 31,
        "description": "<p>今天收到的宜兴紫砂壶{order}壶盖碎成了两半，外箱有明显的挤压破损。这把壶是送人的礼物，"
                       "希望尽快换货。</p>",
        "resolution": "<p>快递外箱有明显挤压，属运输破损。已免费补发新壶（加固包装，次日达），破损件无需寄回，"
                      "已向快递公司索赔。</p>",
        "messages": [
            (34, "reply", "王先生您好，非常抱歉给您带来不便。新壶今天已经加固包装发出，预计明天送达，破损的壶不用寄回。"),
            (31, "note", "客户确认收到新壶，完好无损。"),
        ],
        "rating": (5, 9, "处理很快，新壶的包装也加固了，谢谢！"),
    },
    {
        "customer": "li_na", "product": "tea_05",
        "subject": "这次的福鼎白茶口感明显变淡", "channel": "email", "category": "product",
        "priority": "0", "stage": "resolved", "days_ago": 25, "closed_days_ago": 20,
        "description": "<p>你好，我一直在你们家买福鼎白茶，这次收到的茶叶{order}口感比以前淡很多，香气也弱，"
                       "是批次不一样还是储存出了问题？</p>",
        "resolution": "<p>质检复核：该批次为当年新茶，口感比存放多年的老白茶清淡，属正常差异，仓库储存条件合格。"
                      "已向客户说明，并赠送老白茶试饮装一份。</p>",
        "messages": [
            (25, "email", None),
            (23, "reply", "李女士您好，我们请质检复核了这一批次：这是今年的新茶，口感本来就比您之前买的存放了几年的白茶清淡，"
                          "储存条件也没有问题。我们给您寄了一份老白茶试饮装，您可以对比品尝。"),
            (20, "note", "试饮装已签收，客户表示理解。满意度调查已发送。"),
        ],
        "survey_sent": True,
    },
    {
        "customer": "jincheng_food_yangfan", "product": None,
        "subject": "配送员态度差，货物放在门口无人签收", "channel": "visit", "category": "delivery",
        "priority": "1", "stage": "resolved", "days_ago": 15, "closed_days_ago": 12,
        "description": "<p>杨店长到店反映：上周的配送员没有打电话通知，直接把十箱货放在餐厅后门口就走了，"
                       "店员提出异议时态度很差。货物差点被当成垃圾清走。</p>",
        "resolution": "<p>已向配送服务商反馈，更换该片区配送员；今后到货前一小时电话通知门店，当面签收。</p>",
        "messages": [
            (14, "note", "已联系配送服务商，对方确认配送员未按规定电话通知，已调离该片区。"),
            (12, "reply", "杨店长您好，感谢您的反馈。我们已更换负责贵店片区的配送员，今后每次送货前一小时都会电话通知门店，当面签收。"),
        ],
        "rating": (4, 8, ""),
    },
    {
        "customer": "boyuan_elec_qianwei", "product": "off_02",
        "subject": "A4 复印纸受潮，打印频繁卡纸", "channel": "email", "category": "product",
        "priority": "0", "stage": "in_progress", "days_ago": 9,
        "description": "<p>你好，上次送来的 A4 复印纸{order}有三箱受潮发软，打印时频繁卡纸，影响整个办公室。"
                       "请安排换货。</p><p>钱伟 博远电子行政部</p>",
        "messages": [
            (9, "email", None),
            (8, "reply", "钱经理您好，麻烦拍几张受潮纸箱和箱上批次标签的照片发给我们，我们核实后安排上门换货。"),
            (7, "email", "照片已发，共三箱，批次号都是同一个。"),
            (6, "note", "仓库核实同批次另有 20 箱在库，已暂停出库待检。已约周四上门换货。"),
        ],
        "activity": ("上门换货后回访钱经理", 2),
    },
    {
        "customer": "zjhotel_linxh", "product": "tea_01",
        "subject": "西湖龙井受潮结块，要求换货", "channel": "phone", "category": "product",
        "priority": "2", "stage": "in_progress", "days_ago": 6,
        "description": "<p>林经理来电：最近一批西湖龙井{order}中有六盒受潮结块，开封后有明显霉味，无法用于酒店茶歇。"
                       "客户要求尽快换货，并询问到货后应该怎样储存。</p>",
        "messages": [
            (6, "note", "电话记录：客户下周有会议接待，需要在周五前到货。已承诺两个工作日内答复。"),
            (5, "note", "仓库复查同批次库存，发现两箱包装密封不良，已下架送检。"),
        ],
        "activity": ("回电林经理确认换货数量和送货时间", -2),
    },
    {
        "customer": "huachen_tech_zhaolei", "product": None,
        "subject": "增值税专用发票税号有误，无法抵扣", "channel": "email", "category": "service",
        "priority": "1", "stage": "waiting", "days_ago": 4,
        "description": "<p>您好，贵司上月开具的增值税专用发票{order}上，我司的纳税人识别号错了一位，财务无法认证抵扣。"
                       "请作废后重新开具。</p><p>赵磊 华辰科技采购部</p>",
        "messages": [
            (4, "email", None),
            (3, "reply", "赵先生您好，已收到。为避免再次出错，请把贵司完整的开票信息（公司名称、纳税人识别号、地址电话、"
                         "开户行及账号）发给我们，收到后三个工作日内重新开具。"),
            (3, "note", "已通知财务作废原发票，等待客户提供开票信息。"),
        ],
    },
    {
        "customer": "yunqi_net_zhengyu", "product": "srv_01",
        "subject": "结算价格与报价单上的折扣不一致", "channel": "email", "category": "service",
        "priority": "1", "stage": "in_progress", "days_ago": 2,
        "description": "<p>你好，我们上个月订的企业茶艺培训{order}，报价单上写的是 85 折，结算时却只按 9 折计算。"
                       "请核实并说明原因。</p><p>郑雨</p>",
        "messages": [
            (2, "email", None),
            (1, "note", "销售确认：报价单上的 15% 折扣超出权限，尚未经销售总监审批。已提交审批，通过后退还差额。"),
        ],
        "activity": ("跟进折扣审批结果并答复客户", 1),
    },
    {
        "customer": "qh_global_hejx", "product": "tea_02",
        "subject": "出口马来西亚的铁观音能否提供原产地证书？", "channel": "email", "category": "service",
        "priority": "0", "stage": "new", "days_ago": 1.3,
        "description": "<p>您好，我们向贵司采购的一批安溪铁观音{order}准备出口到马来西亚，当地进口商要求提供原产地证书和检验检疫证明。"
                       "请问贵司能否协助办理？大概需要多长时间，费用怎么算？</p><p>何嘉欣 前海环球外贸部</p>",
        "messages": [(1.3, "email", None)],
        "reply_overdue": True,
    },
    {
        "customer": "chen_jing", "product": "gft_02", "user": False,
        "subject": "订的是真丝围巾，收到的是景泰蓝书签", "channel": "web", "category": "delivery",
        "priority": "0", "stage": "new", "days_ago": 0.2,
        "description": "<p>我订的是真丝围巾{order}，今天收到的却是一套景泰蓝书签，是不是发错了？围巾是下周要送人的，"
                       "麻烦尽快换货。发错的书签要怎么寄回？</p>",
    },
]


def generate(env):
    """The complaints, numbered in the order they came in."""
    company = env.ref(f"{MODULE}.demo_company")
    env = env(context=dict(env.context, allowed_company_ids=[company.id], tracking_disable=True,
                           mail_activity_quick_update=True))
    admin = env.ref("base.user_admin")
    now = fields.Datetime.now()
    for spec in sorted(COMPLAINTS, key=lambda spec: -spec["days_ago"]):
        customer = env.ref(f"{MODULE}.res_partner_{spec['customer']}")
        product = env.ref(f"{MODULE}.product_product_{spec['product']}") if spec["product"] else env["product.product"]
        received = now - timedelta(days=spec["days_ago"])
        order = env["sale.order"].search([
            ("partner_id", "child_of", customer.commercial_partner_id.id), ("state", "=", "sale"),
            ("date_order", "<=", received), ("date_order", ">=", received - timedelta(days=90)),
            *([("order_line.product_id", "=", product.id)] if product else []),
        ], order="date_order desc", limit=1)
        complaint = env["crm.complaint"].create({
            "subject": spec["subject"],
            "partner_id": customer.id,
            "channel": spec["channel"],
            "date_received": received,
            "description": spec["description"].format(order=f"（订单 {order.name}）" if order else ""),
            "category_id": env.ref(f"{MODULE}.crm_complaint_category_{spec['category']}").id,
            "product_id": product.id,
            "priority": spec["priority"],
            "stage_id": env.ref(f"{MODULE}.crm_complaint_stage_{spec['stage']}").id,
            "user_id": admin.id if spec.get("user", True) else False,
            "resolution": spec.get("resolution"),
            "company_id": company.id,
        })
        if spec.get("closed_days_ago"):
            complaint.date_closed = now - timedelta(days=spec["closed_days_ago"])
        _chatter(env, complaint, spec, admin)
        if spec.get("rating"):
            _survey_answer(complaint, spec["rating"], now - timedelta(days=spec["closed_days_ago"] - 1))
        elif spec.get("survey_sent"):
            complaint.survey_sent = True
        if spec.get("activity"):
            summary, days = spec["activity"]
            complaint.activity_schedule(
                "mail.mail_activity_data_todo", date_deadline=fields.Date.context_today(complaint) + timedelta(days=days),
                summary=summary, user_id=admin.id)


def _chatter(env, complaint, spec, admin):
    """Customer emails, replies and notes; a reply clock for each customer email."""
    comment, note = env.ref("mail.mt_comment"), env.ref("mail.mt_note")
    customer, now = complaint.partner_id, fields.Datetime.now()
    Clock = env["crm.reply.clock"]
    for days_ago, kind, body in spec.get("messages", []):
        date = now - timedelta(days=days_ago)
        if kind == "email":
            message = env["mail.message"].create({
                "model": complaint._name, "res_id": complaint.id, "message_type": "email",
                "subtype_id": comment.id, "author_id": customer.id, "email_from": customer.email,
                "subject": complaint.subject, "body": body or complaint.description, "date": date,
            })
            Clock._start(complaint, message, customer, complaint.user_id)
            if not complaint.reply_rule_id:
                rule = env["crm.reply.rule"]._match(
                    complaint._name, message.body, message.subject, company=complaint.company_id)
                if rule:
                    complaint.write({"reply_rule_id": rule.id, "suggested_template_id": rule.template_id.id})
        else:
            env["mail.message"].create({
                "model": complaint._name, "res_id": complaint.id, "message_type": "comment",
                "subtype_id": (comment if kind == "reply" else note).id, "author_id": admin.partner_id.id,
                "body": body, "date": date, "partner_ids": customer.ids if kind == "reply" else [],
            })
            if kind == "reply":
                Clock._waiting(complaint).write({"state": "replied", "date_replied": date, "replied_by_id": admin.id})
    if spec.get("reply_overdue"):
        Clock._waiting(complaint)._raise_alarm()


def _survey_answer(complaint, rating, date):
    """The customer's answer to the satisfaction survey: sets the complaint's rating."""
    satisfaction, recommendation, remark = rating
    survey = complaint._complaint_survey()
    answer = survey.sudo()._create_answer(
        partner=complaint.partner_id, check_attempts=False, complaint_id=complaint.id)
    for question in survey.question_ids:
        value = {"satisfaction": satisfaction, "loyalty": recommendation}.get(question.cuv_measure, remark)
        if value != "":
            answer._save_lines(question, str(value))
    answer._mark_done()
    answer.write({"start_datetime": date, "end_datetime": date})
    complaint.survey_sent = True
