"""Two years of sales of the demo customers: orders, invoices, credit notes, payments and messages.

Deterministic: fixed random seeds and dates relative to today. The customers, products (with their
costs, which the order lines keep) and pricelists are the fixed records of the demo XML files.
"""
import random
from datetime import datetime, time, timedelta

from odoo import Command, fields

SEED = 360
MODULE = "crm_unified_view"

# Customers who cost more than they bring (XML ids without "res_partner_"), each for a reason the
# demo shows; the third, a customer of many urgent complaints, is in demo/crm_complaint_demo.xml.
# A contract price: every line at half price, below the cost of nearly every product.
DISCOUNT_CUSTOMER, CONTRACT_DISCOUNT = "binhai_logistics", 50
# A trading company at a trade discount (a thin margin) that pays 11 to 15 months after the due date
# (its last invoice never) and sends back half of the goods of its two biggest invoices.
LATE_PAYER, TRADE_DISCOUNT = "haiyun_trade", 30
LATE_PAYER_DAYS = (330, 450)  # days after the due date
RETURNED_SHARE = 0.5
# The promotional cup sold below cost, added to some company orders; drawn from its own seed so
# that the rest of the history stays the same.
PROMO_PRODUCT, PROMO_SHARE, PROMO_QUANTITIES = "product_product_prm_01", 0.2, [20, 30, 50]

# Each customer (XML id without "res_partner_") and its buying pattern, in the order of the XML file.
CUSTOMERS = [
    ("huachen_tech", "frequent"), ("pujiang_expo", "frequent"), ("ljstea", "regular"), ("zjhotel", "frequent"),
    ("qh_global", "frequent"), ("jinling_media", "regular"), ("boyuan_elec", "frequent"),
    ("jincheng_food", "regular"), ("cjlaw", "regular"), ("ludao_travel", "dormant"),
    ("binhai_logistics", "regular"), ("haiyun_trade", "lost"), ("gucheng_tour", "dormant"),
    ("mingde_edu", "frequent"), ("zhenghe_cpa", "regular"), ("yunqi_net", "frequent"), ("gangcheng_hw", "lost"),
    ("lingnan_med", "regular"), ("nanshan_invest", "new"), ("gusu_silk", "dormant"), ("zijin_hotel", "regular"),
    ("tianfu_pm", "new"), ("guanggu_bio", "dormant"), ("jingan_consult", "regular"), ("cy_travel", "lost"),
    ("haicang_tea", "regular"), ("jinmen_design", "prospect"), ("laoshan_water", "prospect"),
    ("qinfeng_ad", "new"), ("pengcheng_ec", "prospect"),
    ("wang_jianhua", "frequent"), ("li_na", "regular"), ("zhang_wei", "frequent"), ("liu_yang", "regular"),
    ("chen_jing", "regular"), ("chen_jing_2", "new"), ("yang_liu", "regular"), ("zhao_min", "dormant"),
    ("huang_lei", "frequent"), ("zhou_ting", "regular"), ("wu_hao", "lost"), ("xu_li", "regular"),
    ("sun_yue", "new"), ("hu_bin", "dormant"), ("zhu_lin", "regular"), ("gao_feng", "lost"),
    ("lin_fang", "regular"), ("he_lei", "prospect"), ("guo_jing", "new"), ("ma_li", "dormant"),
    ("luo_gang", "regular"), ("liang_xiao", "prospect"), ("song_jia", "prospect"), ("tang_liang", "lost"),
    ("han_xue", "prospect"),
]

# Buying pattern: how many orders, over which window (days ago: oldest, newest).
PROFILES = {
    "frequent": ((12, 22), (730, 3)),
    "regular": ((5, 10), (700, 20)),
    "new": ((1, 3), (80, 2)),
    "dormant": ((3, 7), (720, 190)),
    "lost": ((2, 5), (730, 400)),
    "prospect": ((0, 0), (0, 0)),
}

# Product categories (XML ids without "product_category_"): what companies and individuals buy.
COMPANY_CATEGORIES = ["tea", "tea_sets", "office_supplies", "gifts", "corporate_services"]
INDIVIDUAL_CATEGORIES = ["tea", "tea_sets", "gifts"]

NOTES = [
    "电话回访：客户对上次订单满意，计划下季度追加采购。",
    "客户询问企业定制茶礼盒的起订量和交期。",
    "微信沟通：确认发票抬头和收货地址。",
    "客户反馈部分商品包装破损，已安排补发。",
    "拜访客户，介绍新到的福鼎白茶和茶艺培训服务。",
]
EMAILS = [
    ("询价：中秋礼品采购", "您好，请报价中秋月饼礼盒及企业定制茶礼盒，数量约100份。"),
    ("付款确认", "您好，上月发票款项已安排支付，请查收。"),
    ("订单咨询", "请问上周的订单什么时候发货？"),
]


def generate(env):
    """Orders, invoices, payments and messages of the demo customers; then their data-quality scores."""
    company = env.ref(f"{MODULE}.demo_company")
    # tracking_disable: no chatter messages or followers for generated records (and much faster)
    env = env(context=dict(env.context, allowed_company_ids=[company.id], tracking_disable=True))
    rng = random.Random(SEED)
    customers = {env.ref(f"{MODULE}.res_partner_{key}"): profile for key, profile in CUSTOMERS}
    late_payer = env.ref(f"{MODULE}.res_partner_{LATE_PAYER}")
    orders = _orders(env, rng, company, customers)
    invoices = _invoices(env, rng, orders, late_payer)
    _payments(env, rng, invoices, customers, late_payer)
    _messages(env, rng, customers)
    env["res.partner"].search([])._recompute_data_quality()


def _orders(env, rng, company, customers):
    """Orders of each customer over its profile's window; returns the confirmed orders by date."""
    cny_pricelist = env.ref(f"{MODULE}.product_pricelist_standard")
    usd_pricelist = env.ref(f"{MODULE}.product_pricelist_export_usd")
    admin = env.ref("base.user_admin")
    now = fields.Datetime.now()
    by_category = {
        key: env["product.product"].search(
            [("categ_id", "=", env.ref(f"{MODULE}.product_category_{key}").id), ("company_id", "=", company.id)],
            order="default_code")
        for key in COMPANY_CATEGORIES}
    products = env["product.product"].concat(*by_category.values())
    promo, promo_rng = env.ref(f"{MODULE}.{PROMO_PRODUCT}"), random.Random(SEED + 1)
    discounts = {env.ref(f"{MODULE}.res_partner_{DISCOUNT_CUSTOMER}"): CONTRACT_DISCOUNT,
                 env.ref(f"{MODULE}.res_partner_{LATE_PAYER}"): TRADE_DISCOUNT}
    rows = []  # (state, values)
    for partner, profile in customers.items():
        (low, high), (oldest, newest) = PROFILES[profile]
        days = sorted((rng.randint(newest, oldest) for _i in range(rng.randint(low, high))), reverse=True)
        if days:  # the last order sets the customer status: keep it close to the window's end
            days[-1] = rng.randint(newest, newest + 25)
        # A few favourite categories per customer, so that top products differ.
        if partner.is_company:
            favourites = rng.sample(COMPANY_CATEGORIES, 3)
        else:
            favourites = rng.sample(INDIVIDUAL_CATEGORIES, 2)
        buyers = partner | partner.child_ids
        pricelist = usd_pricelist if partner.property_product_pricelist == usd_pricelist else cny_pricelist
        for index, day in enumerate(days):
            state, roll = "sale", rng.random()
            if index < len(days) - 1 and roll < 0.03:
                state = "cancel"
            elif index < len(days) - 1 and roll < 0.06 and day < 30:
                state = "draft"  # a quotation still open
            lines = []
            for categ in rng.sample(favourites, rng.randint(1, len(favourites))):
                product = rng.choice(by_category[categ])
                if product.type == "service":
                    qty = 1
                elif partner.is_company:
                    qty = rng.choice([5, 10, 10, 20, 30, 50])
                else:
                    qty = rng.randint(1, 3)
                discount = rng.choice([0, 0, 0, 5, 10]) if partner.is_company else 0
                lines.append(Command.create({
                    "product_id": product.id, "product_uom_qty": qty, "discount": discounts.get(partner, discount),
                }))
            if partner.is_company and promo_rng.random() < PROMO_SHARE:
                lines.append(Command.create({"product_id": promo.id, "product_uom_qty": promo_rng.choice(PROMO_QUANTITIES)}))
            date_order = datetime.combine(
                now.date() - timedelta(days=day), time(rng.randint(1, 9), rng.randint(0, 59)))
            rows.append((state, {
                "partner_id": rng.choice(buyers).id if rng.random() < 0.4 else partner.id,
                "company_id": company.id, "user_id": admin.id, "pricelist_id": pricelist.id,
                # the customer's terms, also when one of its contacts orders (they have none of their own)
                "payment_term_id": partner.property_payment_term_id.id,
                "date_order": date_order, "order_line": lines,
                "client_order_ref": partner.is_company and f"PO-{date_order:%Y%m}-{rng.randint(100, 999)}",
            }))
    # Prospects: a couple of open quotations.
    for partner in [p for p, profile in customers.items() if profile == "prospect"][:3]:
        rows.append(("draft", {
            "partner_id": partner.id, "company_id": company.id, "user_id": admin.id,
            "pricelist_id": cny_pricelist.id, "date_order": now - timedelta(days=rng.randint(1, 20)),
            "order_line": [Command.create({"product_id": rng.choice(products).id, "product_uom_qty": 10})],
        }))
    rows.sort(key=lambda row: row[1]["date_order"])  # order numbers follow the dates
    orders = env["sale.order"].create([vals for _state, vals in rows])
    by_state = {state: orders.browse([o.id for o, (s, _v) in zip(orders, rows) if s == state])
                for state in ("sale", "cancel")}
    confirmed = by_state["sale"]
    confirmed.action_confirm()
    by_state["cancel"]._action_cancel()
    # Confirmation stamps today's date: put the orders back in the past.
    for order, (_state, vals) in zip(orders, rows):
        order.date_order = vals["date_order"]
    return confirmed.sorted("date_order")


def _invoices(env, rng, orders, late_payer):
    """Invoice the orders (except the last few days') a few days after the order; post them."""
    today = fields.Date.today()
    # What sale.order._create_invoices() does, with the invoice date set at creation: writing it
    # afterwards on each invoice would take as long again.
    vals_list = []
    for order in orders.filtered(lambda o: o.date_order.date() < today - timedelta(days=3)):
        vals = order._prepare_invoice()
        vals["invoice_date"] = min(order.date_order.date() + timedelta(days=rng.randint(0, 5)), today)
        vals["invoice_line_ids"] = [
            Command.create(line._prepare_invoice_line(sequence=line.sequence)) for line in order.order_line]
        vals_list.append(vals)
    invoices = env["account.move"].create(vals_list)
    invoices = invoices.sorted(lambda move: (move.invoice_date, move.id))
    invoices.action_post()
    # Credit notes: goods returned (whole invoice) and a quality complaint (part of one line).
    older = invoices.filtered(lambda m: m.invoice_date < today - timedelta(days=90)
                              and m.commercial_partner_id.is_company)
    returned, damaged = rng.sample(list(older), 2)
    return_date, refund_date = returned.invoice_date + timedelta(days=10), damaged.invoice_date + timedelta(days=7)
    returned._reverse_moves(
        [{"invoice_date": return_date, "date": return_date, "ref": f"退货：{returned.name}"}], cancel=True)
    first = damaged.invoice_line_ids[0]
    _partial_refund(damaged, refund_date, f"质量折让：{damaged.name}",
                    lambda line: max(line.quantity // 5, 1) if line.sale_line_ids == first.sale_line_ids else 0)
    # The late payer's returns: part of the goods of its biggest invoices, two weeks after.
    biggest = (invoices - returned - damaged).filtered(
        lambda m: m.commercial_partner_id == late_payer).sorted("amount_untaxed", reverse=True)[:2]
    for invoice in biggest:
        _partial_refund(invoice, invoice.invoice_date + timedelta(days=14), f"退货：{invoice.name}",
                        lambda line: round(line.quantity * RETURNED_SHARE))
    return invoices - returned


def _partial_refund(invoice, date, ref, quantity):
    """A posted credit note for part of ``invoice``, reconciled with it: ``quantity(line)`` of each
    credit note line comes back (0: not that line). Its lines keep their order lines (sale_line_ids)."""
    refund = invoice._reverse_moves([{"invoice_date": date, "date": date, "ref": ref}])
    refund.invoice_line_ids = [
        Command.update(line.id, {"quantity": quantity(line)}) if quantity(line) else Command.delete(line.id)
        for line in refund.invoice_line_ids]
    refund.action_post()
    (invoice + refund).line_ids.filtered(
        lambda l: l.account_id.account_type == "asset_receivable" and not l.reconciled).reconcile()
    return refund


def _payments(env, rng, invoices, customers, late_payer):
    """Pay the invoices in each customer's habit: on time, late, or late and not always; the late
    payer months after the due date, its last invoice never (drawn from its own seed, so that the
    other customers' payments stay the same).

    Payments are created, posted and reconciled in batch (the payment wizard, one invoice at a
    time, would take minutes).
    """
    today = fields.Date.today()
    habits = {partner: rng.choice(["on_time", "on_time", "on_time", "late", "late", "slow"])
              for partner in customers}
    late_rng = random.Random(SEED + 2)
    last_of_late_payer = invoices.filtered(lambda m: m.commercial_partner_id == late_payer)[-1:]
    plan = []  # (payment date, invoice)
    for invoice in invoices:
        habit = habits[invoice.commercial_partner_id]
        due = invoice.invoice_date_due
        if habit == "on_time":
            pay_date = invoice.invoice_date + timedelta(days=rng.randint(0, (due - invoice.invoice_date).days))
        else:
            pay_date = due + timedelta(days=rng.randint(5, 45) if habit == "late" else rng.randint(20, 90))
            if habit == "slow" and rng.random() < 0.3:
                pay_date = None  # never paid: overdue
        if invoice.commercial_partner_id == late_payer:
            pay_date = None if invoice == last_of_late_payer else \
                due + timedelta(days=late_rng.randint(*LATE_PAYER_DAYS))
        if not pay_date or pay_date > today:
            continue  # not paid (yet)
        plan.append((pay_date, invoice))
    plan.sort(key=lambda item: (item[0], item[1].id))
    payments = env["account.payment"].create([{
        "payment_type": "inbound", "partner_type": "customer", "partner_id": invoice.commercial_partner_id.id,
        "amount": invoice.amount_residual, "currency_id": invoice.currency_id.id, "date": pay_date,
        "memo": invoice.name, "invoice_ids": [Command.link(invoice.id)],
    } for pay_date, invoice in plan])
    payments.action_post()
    env["account.move.line"]._reconcile_plan([
        (payment.move_id.line_ids + invoice.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled)
        for payment, (_date, invoice) in zip(payments, plan)
    ])


def _messages(env, rng, customers):
    """Emails from customers and notes after calls, so that 'Last contact' is filled for most."""
    comment = env.ref("mail.mt_comment")
    admin_partner = env.ref("base.partner_admin")
    now = fields.Datetime.now()
    messages = []
    for partner in customers:
        for _i in range(rng.choice([0, 0, 1, 1, 2, 3])):
            date = now - timedelta(days=rng.randint(1, 400), hours=rng.randint(0, 8))
            if rng.random() < 0.5 and partner.email:
                subject, body = rng.choice(EMAILS)
                messages.append({"model": "res.partner", "res_id": partner.id, "message_type": "email",
                                 "author_id": partner.id, "email_from": partner.email, "subject": subject,
                                 "body": body, "date": date})
            else:
                messages.append({"model": "res.partner", "res_id": partner.id, "message_type": "comment",
                                 "subtype_id": comment.id, "author_id": admin_partner.id,
                                 "body": rng.choice(NOTES), "date": date})
    env["mail.message"].create(messages)
