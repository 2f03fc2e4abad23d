"""What the demo complaints (demo/crm_complaint_demo.xml) get once the sales history exists: the
customer's order named in the description, the email that filed each email complaint, the reply
clocks of the customers' emails and the customers' answers to the satisfaction survey."""
from datetime import timedelta

MODULE = "crm_unified_view"

# (satisfaction 0-5, recommendation 0-10, comment) given a day after the complaint was closed
RATINGS = {
    "mooncake_late": (2, 5, "希望以后节日订单能提前确认物流安排。"),
    "refund_late": (3, 6, "退款是到了，但中间要自己打好几次电话催。"),
    "teapot_broken": (5, 9, "处理很快，新壶的包装也加固了，谢谢！"),
    "courier_attitude": (4, 8, ""),
}


def generate(env):
    """Complete the demo complaints, in the order they came in."""
    company = env.ref(f"{MODULE}.demo_company")
    env = env(context=dict(env.context, allowed_company_ids=[company.id], tracking_disable=True,
                           mail_activity_quick_update=True))
    complaint_ids = env["ir.model.data"].search([("module", "=", MODULE), ("model", "=", "crm.complaint")]).mapped("res_id")
    for complaint in env["crm.complaint"].browse(complaint_ids).exists().sorted("date_received"):
        _name_order(complaint)
        if complaint.channel == "email":
            _file_email(complaint)
        _reply_clocks(complaint)
    for key, rating in RATINGS.items():
        _survey_answer(env.ref(f"{MODULE}.crm_complaint_{key}"), rating)
    # What the reply alarm's cron does within minutes of the server's start.
    env["crm.reply.clock"]._cron_check_deadlines()


def _name_order(complaint):
    """Name the customer's latest order of the product in the 90 days before, where the
    description says {order}."""
    received = complaint.date_received
    order = complaint.env["sale.order"].search([
        ("partner_id", "child_of", complaint.commercial_partner_id.id), ("state", "=", "sale"),
        ("date_order", "<=", received), ("date_order", ">=", received - timedelta(days=90)),
        *([("order_line.product_id", "=", complaint.product_id.id)] if complaint.product_id else []),
    ], order="date_order desc", limit=1)
    complaint.description = complaint.description.replace("{order}", f"（订单 {order.name}）" if order else "")


def _file_email(complaint):
    """The customer's email that the complaint was filed from (as the mail gateway would)."""
    complaint.env["mail.message"].create({
        "model": complaint._name, "res_id": complaint.id, "message_type": "email",
        "subtype_id": complaint.env.ref("mail.mt_comment").id, "author_id": complaint.partner_id.id,
        "email_from": complaint.partner_id.email, "subject": complaint.subject, "body": complaint.description,
        "date": complaint.date_received,
    })


def _reply_clocks(complaint):
    """A clock for each customer email, stopped by the next reply to the customer; the first
    email also picks the keyword reply rule."""
    Clock = complaint.env["crm.reply.clock"]
    comment = complaint.env.ref("mail.mt_comment")
    for message in complaint.message_ids.sorted(lambda message: (message.date, message.id)):
        if message.message_type == "email" and message.author_id == complaint.partner_id:
            Clock._start(complaint, message, complaint.partner_id, complaint.user_id, complaint.company_id)
            if not complaint.reply_rule_id:
                rule = complaint.env["crm.reply.rule"]._match(
                    complaint._name, message.body, message.subject, company=complaint.company_id)
                if rule:
                    complaint.write({"reply_rule_id": rule.id, "suggested_template_id": rule.template_id.id})
        elif message.subtype_id == comment and complaint.partner_id in message.partner_ids:
            Clock._waiting(complaint).write(
                {"state": "replied", "date_replied": message.date, "replied_by_id": message.author_id.user_ids[:1].id})


def _survey_answer(complaint, rating):
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
    date = complaint.date_closed + timedelta(days=1)
    answer.write({"start_datetime": date, "end_datetime": date})
    complaint.survey_sent = True
