"""Every touchpoint of the demo, once the sales history exists: emails in and out, done calls and
meetings, answered satisfaction surveys with their NPS answers, the lifecycle history of earlier
segmentation runs, and the customers' first contacts (see demo/crm_touchpoint_demo.xml for the
fixed records: leads, the web-form complaint, attitudes, competitors, buying roles, churn)."""
from datetime import timedelta

from odoo import fields

MODULE = "crm_unified_view"

# (partner XML id without "res_partner_", days ago, kind, subject, text); kinds: "in" an email
# from the contact, "out" a message sent to the contact, "call" / "meeting" a done activity.
TOUCHES = [
    ("huachen_tech_zhaolei", 40, "in", "询价：年度办公用茶框架协议", "您好，我们准备签明年的办公用茶框架协议，请按季度配送报价，每季度约 60 盒。"),
    ("huachen_tech_zhaolei", 39, "out", "回复：年度办公用茶框架协议报价", "赵先生您好，附件是按季度配送的报价方案，签年度协议可享九五折。"),
    ("huachen_tech_zhangli", 30, "meeting", "拜访华辰科技：框架协议方案讲解", "与张丽、赵磊当面讲解方案，对方需要刘总审批预算。"),
    ("huachen_tech", 12, "call", "电话跟进框架协议审批进度", "刘总已审批，下周签约。"),
    ("huachen_tech_zhangli", 5, "in", "新员工入职礼品咨询", "张丽：下月有 15 位新同事入职，想定制入职茶礼，有什么推荐？"),
    ("huachen_tech_zhangli", 4, "out", "回复：新员工入职茶礼推荐", "张主管您好，推荐白茶小罐装配定制卡片，样品明天寄出。"),
    ("zjhotel_linxh", 25, "in", "客房欢迎茶包补货", "请尽快补货客房欢迎茶包 500 份。"),
    ("zjhotel_linxh", 24, "out", "回复：客房欢迎茶包补货", "林经理您好，已安排明天发货，预计三天内送达。"),
    ("zjhotel", 15, "call", "电话回访：中秋礼盒设计意见", "客户希望礼盒设计更有岭南特色，下周提交新方案。"),
    ("mingde_edu_xujing", 20, "meeting", "年度回访：明德教育", "当面回访，客户对售后处理满意，明年教师节继续合作。"),
    ("haiyun_trade", 10, "call", "电话催收逾期货款", "对方财务称月底前付款，已记录。"),
    ("zhang_wei", 8, "in", "咨询大红袍礼盒", "请问大红袍礼盒还有货吗？想买两盒送人。"),
    ("zhang_wei", 7, "out", "回复：大红袍礼盒", "张先生您好，有现货，今天下单明天发出。"),
    ("hemu_studio", 5, "out", "回复：办公室用茶样品", "陈女士您好，样品已寄出，附上季度配送方案供参考。"),
    ("songhe_clinic", 18, "call", "电话沟通答谢茶礼需求", "确认 200 份、每份预算 180 元，已发报价单。"),
]

# Answered satisfaction surveys: (customer XML id without "res_partner_", trigger, days ago,
# NPS answer 0-10, satisfaction 0-5, comment). Post-purchase ones are about the customer's
# latest order before the answer.
SURVEYS = [
    ("huachen_tech", "periodic", 14, 10, 5, "送货准时，茶叶品质稳定。"),
    ("mingde_edu", "periodic", 19, 9, 4, "售后处理及时。"),
    ("yunqi_net", "post_purchase", 9, 10, 5, ""),
    ("zhang_wei", "post_purchase", 6, 9, 5, "包装很精致。"),
    ("zjhotel", "periodic", 16, 7, 3, "礼盒设计可以更有地方特色。"),
    ("li_na", "post_purchase", 30, 8, 4, ""),
    ("jincheng_food", "periodic", 45, 7, 4, ""),
    ("haiyun_trade", "periodic", 60, 3, 1, "退货流程太慢，沟通不顺畅。"),
    ("binhai_logistics", "post_purchase", 22, 5, 2, "价格可以，但到货经常延迟。"),
    ("boyuan_elec", "periodic", 35, 6, 3, "办公用品种类太少。"),
]

# Segmentation runs as of these days ago, before the one of today: the lifecycle history and funnel.
PAST_RUNS = (270, 180, 90)


def generate(env):
    company = env.ref(f"{MODULE}.demo_company")
    env = env(context=dict(env.context, allowed_company_ids=[company.id], tracking_disable=True,
                           mail_activity_quick_update=True))
    _touches(env)
    _surveys(env, company)
    partners = env["res.partner"].search([("company_id", "=", company.id), ("parent_id", "=", False)])
    env["res.partner"]._update_first_contacts(partners.ids)
    for days in PAST_RUNS:
        run = env["crm.segmentation.run"].with_company(company).create({
            "company_id": company.id, "date_as_of": fields.Date.context_today(env.user) - timedelta(days=days)})
        run._run()


def _touches(env):
    admin = env.ref("base.user_admin")
    comment = env.ref("mail.mt_comment")
    now = fields.Datetime.now()
    activity_types = {"call": env.ref("mail.mail_activity_data_call"),
                      "meeting": env.ref("mail.mail_activity_data_meeting")}
    for key, days, kind, subject, text in TOUCHES:
        partner = env.ref(f"{MODULE}.res_partner_{key}")
        date = now - timedelta(days=days, hours=(len(subject) % 5) + 1)
        # the answer to a lead goes on the lead, as the salesperson would reply
        lead = env["crm.lead"].search([("partner_id", "=", partner.id)], limit=1) if kind == "out" else None
        if kind == "in":
            env["mail.message"].create({
                "model": "res.partner", "res_id": partner.id, "message_type": "email", "subtype_id": comment.id,
                "author_id": partner.id, "email_from": partner.email, "subject": subject, "body": text,
                "date": date})
        elif kind == "out":
            record = lead or partner
            env["mail.message"].create({
                "model": record._name, "res_id": record.id, "message_type": "email_outgoing",
                "subtype_id": comment.id, "author_id": admin.partner_id.id, "email_from": admin.email,
                "partner_ids": [partner.id], "subject": subject, "body": text, "date": date})
        else:
            activity = env["mail.activity"].create({
                "res_model_id": env["ir.model"]._get_id("res.partner"), "res_id": partner.id,
                "activity_type_id": activity_types[kind].id, "summary": subject, "user_id": admin.id,
                "date_deadline": date.date()})
            messages, _next = activity._action_done(feedback=text)
            messages.write({"date": date})


def _surveys(env, company):
    survey = env.ref(f"{MODULE}.survey_customer_satisfaction")
    answers = env["survey.user_input"]
    now = fields.Datetime.now()
    for key, trigger, days, nps, satisfaction, remark in SURVEYS:
        customer = env.ref(f"{MODULE}.res_partner_{key}")
        date = now - timedelta(days=days)
        order = env["sale.order"].search([
            ("partner_id", "child_of", customer.id), ("state", "=", "sale"), ("date_order", "<=", date),
        ], order="date_order desc", limit=1) if trigger == "post_purchase" else env["sale.order"]
        answer = survey._create_answer(
            partner=customer, check_attempts=False, satisfaction_trigger=trigger,
            satisfaction_company_id=company.id, sale_order_id=order.id)
        values = {"nps": nps, "satisfaction": satisfaction}
        for question in survey.question_ids:
            value = values.get(question.cuv_measure, remark)
            if value != "":
                answer._save_lines(question, str(value))
        answer._mark_done()
        answer.write({"start_datetime": date, "end_datetime": date})
        answers |= answer
    # the rolling figures again, now that the answers have their dates
    answers._cuv_update_partners(answers.customer_id)
