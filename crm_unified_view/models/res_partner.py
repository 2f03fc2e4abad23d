"""The partner as one unified customer view: the seven categories and data-quality scores, the
associative information and buying roles staff note, the first contact and first response."""
import operator as py_operator
from collections import defaultdict
from datetime import timedelta

from lxml import etree

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, Query
from odoo.tools.sql import column_exists, create_column

from ..analytics import data_quality, nps
from ..analytics.nps import NPS_CLASSES
from ..analytics.pipeline import LIFECYCLE_STAGES
from ..analytics.segments import AGE_TYPES, VALUE_TIERS
from .crm_customer_private_info import INCOME_LEVELS, PRIVATE_FIELDS, logged_as
from .sql_expressions import company_amount, counted_invoice, counted_order, execute, id_array, vat_key

SALES_GROUPS = "sales_team.group_sale_salesman"
INVOICE_GROUPS = "account.group_account_invoice,account.group_account_readonly"
CUSTOMER_INFO_GROUPS = "crm_unified_view.group_customer_info_user"
SERVICE_READ_GROUPS = "base.group_user"
TOP_PRODUCT_COUNT = 5
CUSTOMER_360_LIST = "crm_unified_view.res_partner_view_list_customer_360"
# The Customer 360 page's figures, a form view of their own read when the page opens.
CUSTOMER_360_FIGURES = "crm_unified_view.res_partner_view_form_customer_360_figures"
SCORE_BANDS = [(str(low), "%d-%d%%" % (low, low + 9 if low < 90 else 100)) for low in range(0, 100, 10)]
# Computed from orders, invoices and messages: read live, never stored.
LIVE_FIGURES = [
    "customer_since", "customer_status", "overdue_amount", "net_invoiced_amount", "credit_usage",
    "average_payment_delay", "confirmed_order_count", "sales_revenue", "last_order_date",
    "top_product_ids", "top_category_ids", "last_contact_date", "complaint_count", "open_complaint_count",
]
COUNT_OPERATORS = {
    "=": py_operator.eq, "!=": py_operator.ne, "<": py_operator.lt, "<=": py_operator.le,
    ">": py_operator.gt, ">=": py_operator.ge,
    "in": lambda count, values: count in values, "not in": lambda count, values: count not in values,
}

NEGATIVE_OPERATORS = {"!=": "=", "not in": "in", "not like": "like", "not ilike": "ilike"}
PRIVATE_FIELD_OPTIONS = {
    "compute": "_compute_private_info", "compute_sudo": False,
    "copy": True, "groups": "base.group_user",
}

# Written in bulk by each run, per company; no index: every one would slow the nightly
# UPDATE of all customers, and a whole-jsonb index does not serve a per-company search.
SEGMENTATION_FIGURE = {"readonly": True, "groups": SALES_GROUPS, "company_dependent": True, "index": False}
# Read from the customer's line of the latest run, in the currency of the company the user works in.
RESULT_FIGURE = {"readonly": True, "groups": SALES_GROUPS, "depends_context": ("company",)}
RESULT_MONEY = dict(RESULT_FIGURE, currency_field="report_currency_id")

ATTITUDES = [("positive", "Positive"), ("neutral", "Neutral"), ("negative", "Negative")]
DECISION_PROCESS_TYPES = [
    ("single", "One Decision Maker"),
    ("committee", "Buying Committee"),
    ("tender", "Formal Tender"),
]
FIRST_CONTACT_CHANNELS = [
    ("lead", "Lead / Opportunity"),
    ("email", "Email"),
    ("website", "Website Form"),
    ("phone", "Phone / Activity"),
    ("import", "Import"),
    ("order", "Order"),
    ("other", "Other"),
]
# Where a first contact can come from (the records of the first_contact_ref field).
FIRST_CONTACT_SOURCES = [
    ("crm.lead", "Lead / Opportunity"),
    ("crm.complaint", "Complaint"),
    ("mail.message", "Message"),
    ("sale.order", "Sales Order"),
]
# Every contact of a customer (commercial partner), earliest first: date, channel, source
# record, whether it came from the customer (inbound), and a rank that breaks ties on one date.
# A customer's first order is the least (date in microseconds, id) of each contact's orders, then
# of its contacts: hash aggregates. Sorting every order by customer, or looking each customer's
# orders up by index, takes several times as long when a first run looks for every customer's.
CONTACTS = """
    SELECT p.commercial_partner_id AS partner_id, l.create_date AS date, 'lead' AS channel,
           'crm.lead,' || l.id AS ref, TRUE AS inbound, 1 AS rank
      FROM crm_lead l JOIN res_partner p ON p.id = l.partner_id
     WHERE %(only_p)s
 UNION ALL
    SELECT c.commercial_partner_id, c.date_received,
           CASE c.channel WHEN 'web' THEN 'website' WHEN 'email' THEN 'email' WHEN 'phone' THEN 'phone'
                ELSE 'other' END,
           'crm.complaint,' || c.id, TRUE, 2
      FROM crm_complaint c
     WHERE c.commercial_partner_id IS NOT NULL AND %(only_c)s
 UNION ALL
    SELECT p.commercial_partner_id, m.date, 'email', 'mail.message,' || m.id, TRUE, 3
      FROM mail_message m JOIN res_partner p ON p.id = m.author_id
     WHERE m.message_type = 'email' AND %(only_p)s
 UNION ALL
    SELECT p.commercial_partner_id, m.date, 'phone', 'mail.message,' || m.id, FALSE, 4
      FROM mail_message m JOIN res_partner p ON p.id = m.res_id AND m.model = 'res.partner'
     WHERE m.mail_activity_type_id IS NOT NULL AND %(only_p)s
 UNION ALL
    SELECT first.partner_id, TIMESTAMP 'epoch' + first.key[1] * INTERVAL '1 microsecond', 'order',
           'sale.order,' || first.key[2], FALSE, 5
      FROM (SELECT p.commercial_partner_id AS partner_id, MIN(contact.key) AS key
              FROM (SELECT so.partner_id, MIN(ARRAY[(EXTRACT(EPOCH FROM so.date_order) * 1000000)::bigint, so.id]) AS key
                      FROM sale_order so
                     WHERE so.state <> 'cancel' AND so.partner_id IN (SELECT p.id FROM res_partner p WHERE %(only_p)s)
                  GROUP BY so.partner_id) contact
              JOIN res_partner p ON p.id = contact.partner_id
          GROUP BY p.commercial_partner_id) first
 UNION ALL
    SELECT p.id, p.first_contact_date, 'import', NULL, FALSE, 6
      FROM res_partner p
     WHERE p.first_contact_channel = 'import' AND p.first_contact_date IS NOT NULL AND %(only_id)s
"""
# The partner's first contact fields, each with its column in the first contacts found.
FIRST_CONTACT_FIELDS = {"first_contact_date": "date", "first_contact_channel": "channel", "first_contact_ref": "ref",
                        "first_response_hours": "hours"}
# A partner's first contact (p) differs from the one found (new).
FIRST_CONTACT_CHANGED = SQL("""(p.first_contact_date, p.first_contact_channel, p.first_contact_ref, p.first_response_hours)
                               IS DISTINCT FROM (new.date, new.channel, new.ref, new.hours)""")
# The records whose messages answer a customer: the partner and its contacts, its leads and complaints.
THREADS = """
    SELECT 'res.partner' AS model, p.id AS res_id, p.commercial_partner_id AS partner_id
      FROM res_partner p WHERE %(only_p)s
 UNION ALL
    SELECT 'crm.lead', l.id, p.commercial_partner_id
      FROM crm_lead l JOIN res_partner p ON p.id = l.partner_id WHERE %(only_p)s
 UNION ALL
    SELECT 'crm.complaint', c.id, c.commercial_partner_id
      FROM crm_complaint c WHERE c.commercial_partner_id IS NOT NULL AND %(only_c)s
"""

def score_band(score):
    """The SCORE_BANDS key of a 0-100 score (100 falls in the last band)."""
    return str(min(int(score // 10) * 10, 90))


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "crm.reply.clock.mixin"]

    # --- basic / contact (descriptive) ---------------------------------------
    date_last_verified = fields.Date(
        "Last Verified", copy=False, groups=CUSTOMER_INFO_GROUPS,
        help="When someone last confirmed this customer's descriptive information with the customer.")
    preferred_contact_channel = fields.Selection(
        [("phone", "Phone"), ("email", "Email"), ("wechat", "WeChat"), ("sms", "SMS"),
         ("visit", "Visit"), ("letter", "Letter")],
        "Preferred Channel", groups=CUSTOMER_INFO_GROUPS, copy=False)

    # --- status ----------------------------------------------------------------
    lifecycle_stage = fields.Selection(
        LIFECYCLE_STAGES, tracking=True, groups=CUSTOMER_INFO_GROUPS, company_dependent=True, index=False,
        help="Where the customer stands in its relationship with the company (maintained by segmentation).")
    loyalty_level = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")], "Loyalty", groups=CUSTOMER_INFO_GROUPS, copy=False)
    customer_since = fields.Date(
        compute="_compute_sales_figures", groups=SALES_GROUPS,
        help="Date of the first confirmed sales order of the company or person.")
    customer_status = fields.Selection(
        [("active", "Active"), ("dormant", "Dormant"), ("lost", "Lost")],
        compute="_compute_sales_figures", search="_search_customer_status", groups=SALES_GROUPS,
        help="Active: bought recently; dormant and lost: no purchase for longer than the limits set in Settings.")

    # --- account (payments, credit) -------------------------------------------
    overdue_amount = fields.Monetary(
        "Overdue", compute="_compute_account_figures", currency_field="report_currency_id",
        groups=INVOICE_GROUPS, help="Receivable past its due date, in company currency.")
    net_invoiced_amount = fields.Monetary(
        "Net Invoiced", compute="_compute_account_figures", currency_field="report_currency_id",
        groups=INVOICE_GROUPS, help="Posted customer invoices minus credit notes, untaxed, in company currency.")
    credit_usage = fields.Float(
        "Credit Used (%)", compute="_compute_account_figures", groups=INVOICE_GROUPS,
        help="Total receivable as a share of the partner's credit limit.")
    average_payment_delay = fields.Float(
        "Average Days Paid Late", compute="_compute_account_figures", groups=INVOICE_GROUPS,
        help="Average number of days between due date and full payment of paid invoices.")
    # Figures are in the currency of the company the user works in, not the partner's.
    report_currency_id = fields.Many2one("res.currency", compute="_compute_report_currency_id")

    # --- behaviour (purchases) -------------------------------------------------
    confirmed_order_count = fields.Integer(
        "Confirmed Orders", compute="_compute_sales_figures", groups=SALES_GROUPS)
    sales_revenue = fields.Monetary(
        compute="_compute_sales_figures", currency_field="report_currency_id",
        groups=SALES_GROUPS, help="Untaxed total of confirmed sales orders, in company currency.")
    last_order_date = fields.Date("Last Purchase", compute="_compute_sales_figures", groups=SALES_GROUPS)
    top_product_ids = fields.Many2many(
        "product.product", string="Top Products", compute="_compute_top_products", groups=SALES_GROUPS)
    top_category_ids = fields.Many2many(
        "product.category", string="Top Product Categories", compute="_compute_top_products",
        groups=SALES_GROUPS)

    # --- service (complaints come with the complaint workflow) ------------------
    # Counted on read, like the complaints the user may read: those of the active companies.
    # Service history is shared company-wide: every employee reads it (SERVICE_READ_GROUPS).
    complaint_count = fields.Integer(
        "Complaints", compute="_compute_complaint_counts", search="_search_complaint_count",
        groups=SERVICE_READ_GROUPS)
    open_complaint_count = fields.Integer(
        "Open Complaints", compute="_compute_complaint_counts", search="_search_open_complaint_count",
        groups=SERVICE_READ_GROUPS)
    complaint_ids = fields.One2many("crm.complaint", "commercial_partner_id", "Complaint History",
                                    groups=SERVICE_READ_GROUPS)
    last_contact_date = fields.Datetime(
        "Last Contact", compute="_compute_last_contact_date", groups=CUSTOMER_INFO_GROUPS,
        help="Last email or message exchanged with the customer or its contacts.")
    # touchpoints of the customer and its contacts the user may read (crm.touchpoint)
    touch_count_90d = fields.Integer("Touches (90 Days)", compute="_compute_touch_figures",
                                     groups=CUSTOMER_INFO_GROUPS)
    touch_inbound_90d = fields.Integer("Inbound (90 Days)", compute="_compute_touch_figures",
                                       groups=CUSTOMER_INFO_GROUPS)
    touch_outbound_90d = fields.Integer("Outbound (90 Days)", compute="_compute_touch_figures",
                                        groups=CUSTOMER_INFO_GROUPS)
    touch_channel_summary = fields.Html("Touches by Channel", compute="_compute_touch_figures",
                                        groups=CUSTOMER_INFO_GROUPS, sanitize=False,
                                        help="Touches of the last 90 days and the last touch, per channel.")
    last_touch_date = fields.Datetime("Last Touch", compute="_compute_touch_figures", groups=CUSTOMER_INFO_GROUPS)
    days_since_last_touch = fields.Integer(
        compute="_compute_touch_figures", search="_search_days_since_last_touch",
        groups=CUSTOMER_INFO_GROUPS, help="Empty when the customer was never touched.")
    satisfaction_score = fields.Float(
        "Satisfaction", groups=SERVICE_READ_GROUPS, copy=False,
        help="Mean rating, from 0 to 5, of the satisfaction surveys the customer answered in the last 12 months "
             "(after complaints, purchases and periodic ones); empty without one.")
    nps_class = fields.Selection(NPS_CLASSES, "NPS Class", groups=CUSTOMER_INFO_GROUPS, copy=False,
                                 help="From the customer's latest answer to a Net Promoter Score question.")

    # --- extended (defined by admins, no code) -------------------------------------
    properties_company_id = fields.Many2one(
        "res.company", compute="_compute_properties_company_id", store=True, precompute=True)
    customer_properties = fields.Properties(
        "Extended Information", definition="properties_company_id.customer_properties_definition",
        copy=False, groups=CUSTOMER_INFO_GROUPS)

    # --- segmentation and value (written by crm.segmentation.run) ----------------------
    # Each company segments its own customers: a customer shared by several companies keeps
    # one value per company (company-dependent, stored as jsonb in res_partner), so that a
    # company never reads the figures of another.
    # What stays true from one run to the next is stored (written only where a run changes it);
    # what ages every day (days since the last purchase) or is new in every run (its lines,
    # segments and NPV) is read through the customer's line of the company's latest run.
    last_purchase_date = fields.Date("Last Purchase Occasion", **SEGMENTATION_FIGURE)
    first_purchase_date = fields.Date("First Purchase Occasion", **SEGMENTATION_FIGURE)
    rfm_recency_days = fields.Integer(
        "Days Since Last Purchase", compute="_compute_rfm_recency_days", search="_search_rfm_recency_days",
        groups=SALES_GROUPS)
    rfm_frequency = fields.Integer("Purchase Occasions", **SEGMENTATION_FIGURE)
    rfm_monetary = fields.Float("Revenue (RFM)", **SEGMENTATION_FIGURE)
    rfm_r_score = fields.Integer("R Score", **SEGMENTATION_FIGURE)
    rfm_f_score = fields.Integer("F Score", **SEGMENTATION_FIGURE)
    rfm_m_score = fields.Integer("M Score", **SEGMENTATION_FIGURE)
    rfm_score = fields.Char("RFM Score", **SEGMENTATION_FIGURE)
    value_tier = fields.Selection(VALUE_TIERS, **SEGMENTATION_FIGURE)
    customer_age_type = fields.Selection(AGE_TYPES, "New or Old Customer", **SEGMENTATION_FIGURE)
    needs_account_manager = fields.Boolean(help="High-value customer without a salesperson.", **SEGMENTATION_FIGURE)
    segmentation_result_id = fields.Many2one(
        "crm.segmentation.result", "Latest Segmentation Result", compute="_compute_segmentation_result_id",
        search="_search_segmentation_result_id", groups=SALES_GROUPS)
    segmentation_run_id = fields.Many2one(related="segmentation_result_id.run_id", string="Last Segmentation",
                                          **RESULT_FIGURE)
    segment_id = fields.Many2one(related="segmentation_result_id.segment_id", string="Segment", **RESULT_FIGURE)
    segment_membership = fields.Float(related="segmentation_result_id.membership", string="Segment Membership",
                                      help="Degree of membership in its segment, from 0 to 1.", **RESULT_FIGURE)
    customer_npv = fields.Monetary(related="segmentation_result_id.customer_npv", string="Customer NPV",
                                   help="Expected discounted future margin (BG/NBD and Gamma-Gamma).", **RESULT_MONEY)
    customer_net_revenue = fields.Monetary(related="segmentation_result_id.net_revenue", **RESULT_MONEY)
    customer_margin = fields.Monetary(related="segmentation_result_id.margin", **RESULT_MONEY)
    cost_orders = fields.Monetary(related="segmentation_result_id.cost_orders", **RESULT_MONEY)
    cost_complaints = fields.Monetary(related="segmentation_result_id.cost_complaints", **RESULT_MONEY)
    cost_credit_notes = fields.Monetary(related="segmentation_result_id.cost_credit_notes", **RESULT_MONEY)
    cost_late_payment = fields.Monetary(related="segmentation_result_id.cost_late_payment", **RESULT_MONEY)
    cost_to_serve = fields.Monetary(related="segmentation_result_id.cost_to_serve", **RESULT_MONEY)
    customer_profit = fields.Monetary(related="segmentation_result_id.profit", **RESULT_MONEY)
    probability_alive = fields.Float(related="segmentation_result_id.probability_alive", **RESULT_FIGURE)
    expected_purchases_30 = fields.Float(related="segmentation_result_id.expected_purchases_30", **RESULT_FIGURE)
    expected_purchases_90 = fields.Float(related="segmentation_result_id.expected_purchases_90", **RESULT_FIGURE)
    expected_purchases_365 = fields.Float(related="segmentation_result_id.expected_purchases_365", **RESULT_FIGURE)
    expected_profit_30 = fields.Monetary(related="segmentation_result_id.expected_profit_30", **RESULT_MONEY)
    expected_profit_90 = fields.Monetary(related="segmentation_result_id.expected_profit_90", **RESULT_MONEY)
    expected_profit_365 = fields.Monetary(related="segmentation_result_id.expected_profit_365", **RESULT_MONEY)
    at_risk = fields.Boolean(related="segmentation_result_id.at_risk", **RESULT_FIGURE)
    suggested_user_id = fields.Many2one(
        "res.users", "Suggested Account Manager", compute="_compute_suggested_user_id", groups=SALES_GROUPS,
        help="For a high-value customer without a salesperson: who sold it the most.")
    automated_service = fields.Boolean(help="Low-value customer served through automated channels.",
                                       **SEGMENTATION_FIGURE)
    segmentation_result_ids = fields.One2many("crm.segmentation.result", "partner_id", "Segment History",
                                              groups=SALES_GROUPS)
    cross_sell_suggestion_ids = fields.One2many(
        "crm.segmentation.suggestion", compute="_compute_cross_sell_suggestion_ids", groups=SALES_GROUPS,
        string="Suggested Products")

    # --- private information (visible to granted departments only) ------------------
    home_address = fields.Text(inverse="_inverse_private_address", search="_search_home_address",
        **PRIVATE_FIELD_OPTIONS)
    income_level = fields.Selection(INCOME_LEVELS, inverse="_inverse_private_income", search="_search_income_level",
        **PRIVATE_FIELD_OPTIONS)
    household_size = fields.Integer(inverse="_inverse_private_household", search="_search_household_size",
        **PRIVATE_FIELD_OPTIONS)
    id_number = fields.Char("ID Number", inverse="_inverse_private_identity", search="_search_id_number",
        **PRIVATE_FIELD_OPTIONS)
    date_of_birth = fields.Date(inverse="_inverse_private_identity", search="_search_date_of_birth",
        **PRIVATE_FIELD_OPTIONS)
    private_access_codes = fields.Char(
        compute="_compute_private_access_codes", help="Private categories the current user may see.")
    consent_ids = fields.One2many("crm.customer.consent", "partner_id", "Consents", groups=CUSTOMER_INFO_GROUPS)

    # --- data quality --------------------------------------------------------------
    data_accuracy = fields.Float(
        "Accuracy", compute="_compute_data_quality", store=True, aggregator="avg",
        groups=CUSTOMER_INFO_GROUPS, help="Accuracy of descriptive information, 0-100 (see README).")
    data_completeness = fields.Float(
        "Completeness", compute="_compute_data_quality", store=True, aggregator="avg",
        groups=CUSTOMER_INFO_GROUPS, help="Share of expected behavioural information present, 0-100.")
    is_possible_duplicate = fields.Boolean(
        "Possible Duplicate", compute="_compute_data_quality", store=True, groups=CUSTOMER_INFO_GROUPS,
        help="Another customer has the same email address or tax ID.")
    data_quality_date = fields.Datetime(
        "Scores Computed On", compute="_compute_data_quality", store=True, groups=CUSTOMER_INFO_GROUPS)
    # Ten-point bands, for graphs of how the scores are spread.
    data_accuracy_band = fields.Selection(
        SCORE_BANDS, "Accuracy Band", compute="_compute_score_bands", store=True, groups=CUSTOMER_INFO_GROUPS)
    data_completeness_band = fields.Selection(
        SCORE_BANDS, "Completeness Band", compute="_compute_score_bands", store=True, groups=CUSTOMER_INFO_GROUPS)

    # -------------------------------------------------------------------------
    # Compute methods
    # -------------------------------------------------------------------------
    def _compute_report_currency_id(self):
        self.report_currency_id = self.env.company.currency_id

    @api.depends("company_id")
    def _compute_properties_company_id(self):
        for partner in self:
            partner.properties_company_id = partner.company_id or self.env.company

    @api.depends("data_accuracy", "data_completeness", "data_quality_date")
    def _compute_score_bands(self):
        for partner in self:
            scored = bool(partner.data_quality_date)
            partner.data_accuracy_band = scored and score_band(partner.data_accuracy)
            partner.data_completeness_band = scored and score_band(partner.data_completeness)

    def _hide_if_inaccessible(self, fnames):
        """Blank ``fnames`` when the user's groups hide them, and say so.

        Export and other server paths read computed fields without checking their groups:
        the computation itself must not reveal the figures.
        """
        if all(self._fields[fname].is_accessible(self.env) for fname in fnames):
            return False
        for fname in fnames:
            self[fname] = False
        return True

    def _commercial_ids(self):
        return tuple({partner.commercial_partner_id.id for partner in self if partner.commercial_partner_id.id})

    def _query_by_commercial_partner(self, query):
        """Run ``query`` (first column: commercial partner id) and index its rows by that id."""
        self.env.cr.execute(query)
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    @api.depends_context("uid", "company")
    def _compute_sales_figures(self):
        if self._hide_if_inaccessible(["confirmed_order_count", "sales_revenue", "customer_since",
                                       "last_order_date", "customer_status"]):
            return
        ids = self._commercial_ids()
        rows = {}
        if ids:
            # Flush the orders: figures must include what this transaction just confirmed.
            self.env["sale.order"].flush_model(["state", "partner_id", "amount_untaxed", "currency_rate", "date_order"])
            rows = self._query_by_commercial_partner(SQL(
                """SELECT p.commercial_partner_id, COUNT(so.id), SUM(%s),
                          MIN(so.date_order)::date, MAX(so.date_order)::date
                     FROM sale_order so
                     JOIN res_partner p ON p.id = so.partner_id
                    WHERE %s AND p.commercial_partner_id IN %s
                 GROUP BY p.commercial_partner_id""",
                company_amount(SQL("so.amount_untaxed")), counted_order(self.env.company.id), ids))
        dormant_after, lost_after = self._customer_status_limits()
        today = fields.Date.context_today(self)
        for partner in self:
            count, revenue, first, last = rows.get(partner.commercial_partner_id.id, (0, 0.0, False, False))
            partner.confirmed_order_count = count
            partner.sales_revenue = revenue
            partner.customer_since = first
            partner.last_order_date = last
            partner.customer_status = last and self._status_from_days((today - last).days, dormant_after, lost_after)

    @staticmethod
    def _status_from_days(days, dormant_after, lost_after):
        if days >= lost_after:
            return "lost"
        return "dormant" if days >= dormant_after else "active"

    @api.model
    def _customer_status_limits(self):
        params = self.env["ir.config_parameter"].sudo()
        return (int(params.get_param("crm_unified_view.dormant_after_days", 180)),
                int(params.get_param("crm_unified_view.lost_after_days", 365)))

    def _search_customer_status(self, operator, value):
        # Searching reveals purchase history: same rights as reading the field.
        if not self.env.su and not self.env.user.has_group(SALES_GROUPS):
            raise AccessError(self.env._("You are not allowed to filter customers on their purchase history."))
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("Unsupported operator %s for the customer status.", operator))
        wanted = set(value if isinstance(value, (list, tuple)) else [value])
        dormant_after, lost_after = self._customer_status_limits()
        today = fields.Date.context_today(self)
        self.env["sale.order"].flush_model(["state", "partner_id", "date_order", "company_id"])
        self.env.cr.execute(SQL(
            """SELECT p.commercial_partner_id, MAX(so.date_order)::date
                 FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
                WHERE %s
             GROUP BY p.commercial_partner_id""", counted_order(self.env.company.id)))
        last_orders = self.env.cr.fetchall()
        matching = [cid for cid, last in last_orders
                    if self._status_from_days((today - last).days, dormant_after, lost_after) in wanted]
        positive = operator in ("=", "in")
        if False in wanted:  # "no status" means "never bought": everyone else has one
            buyers = [cid for cid, _last in last_orders]
            return [("commercial_partner_id", "not in" if positive else "in", buyers)]
        return [("commercial_partner_id", "in" if positive else "not in", matching)]

    @api.depends_context("uid", "company")
    def _compute_top_products(self):
        if self._hide_if_inaccessible(["top_product_ids", "top_category_ids"]):
            return
        ids = self._commercial_ids()
        top = {}
        if ids:
            self.env["sale.order.line"].flush_model(["product_id", "price_subtotal", "order_id", "display_type"])
            # one pass over the lines: their sums per product also give the sums per category
            self.env.cr.execute(SQL(
                """WITH products AS (
                       SELECT p.commercial_partner_id AS partner_id, sol.product_id AS item_id,
                              SUM(%(amount)s) AS amount
                         FROM sale_order_line sol
                         JOIN sale_order so ON so.id = sol.order_id
                         JOIN res_partner p ON p.id = so.partner_id
                        WHERE %(counted)s AND p.commercial_partner_id IN %(ids)s
                          AND sol.product_id IS NOT NULL AND sol.display_type IS NULL
                     GROUP BY p.commercial_partner_id, sol.product_id
                   ), categories AS (
                       SELECT products.partner_id, pt.categ_id AS item_id, SUM(products.amount) AS amount
                         FROM products
                         JOIN product_product pp ON pp.id = products.item_id
                         JOIN product_template pt ON pt.id = pp.product_tmpl_id
                     GROUP BY products.partner_id, pt.categ_id
                   )
                   SELECT partner_id, kind, ARRAY_AGG(item_id ORDER BY rank) FROM (
                       SELECT partner_id, 'product' AS kind, item_id,
                              ROW_NUMBER() OVER (PARTITION BY partner_id ORDER BY amount DESC, item_id) AS rank
                         FROM products
                    UNION ALL
                       SELECT partner_id, 'category', item_id,
                              ROW_NUMBER() OVER (PARTITION BY partner_id ORDER BY amount DESC, item_id)
                         FROM categories
                   ) ranked WHERE rank <= %(limit)s GROUP BY partner_id, kind""",
                amount=company_amount(SQL("sol.price_subtotal")), counted=counted_order(self.env.company.id), ids=ids,
                limit=TOP_PRODUCT_COUNT))
            top = {(partner_id, kind): items for partner_id, kind, items in self.env.cr.fetchall()}
        for partner in self:
            commercial_id = partner.commercial_partner_id.id
            partner.top_product_ids = [(6, 0, top.get((commercial_id, "product"), []))]
            partner.top_category_ids = [(6, 0, top.get((commercial_id, "category"), []))]

    @api.depends_context("uid", "company")
    def _compute_account_figures(self):
        if self._hide_if_inaccessible(["overdue_amount", "net_invoiced_amount", "credit_usage",
                                       "average_payment_delay"]):
            return
        ids = self._commercial_ids()
        rows = {}
        if ids:
            self.env["account.move.line"].flush_model()
            self.env["account.partial.reconcile"].flush_model()
            self.env["account.move"].flush_model(["state", "move_type", "company_id", "commercial_partner_id",
                                                  "amount_untaxed_signed"])
            company_id, today = self.env.company.id, fields.Date.context_today(self)
            # overdue receivables, days paid late and net invoiced, in one statement
            rows = self._query_by_commercial_partner(SQL(
                """SELECT c.id, receivable.overdue, delay.days, invoiced.amount
                     FROM unnest(%(ids)s::int[]) c(id)
                LEFT JOIN (SELECT l.partner_id,
                                  COALESCE(SUM(l.amount_residual) FILTER (
                                      WHERE COALESCE(l.date_maturity, l.date) < %(today)s AND l.amount_residual > 0),
                                      0) AS overdue
                             FROM account_move_line l JOIN account_account a ON a.id = l.account_id
                            WHERE l.parent_state = 'posted' AND a.account_type = 'asset_receivable'
                              AND NOT l.reconciled AND l.company_id = %(company)s AND l.partner_id IN %(id_tuple)s
                         GROUP BY l.partner_id) receivable ON receivable.partner_id = c.id
                LEFT JOIN (SELECT l.partner_id, AVG(GREATEST(paid.paid_on - COALESCE(l.date_maturity, l.date), 0))
                                  AS days
                             FROM account_move_line l
                             JOIN account_account a ON a.id = l.account_id
                             JOIN account_move m ON m.id = l.move_id
                             JOIN LATERAL (SELECT MAX(apr.max_date) AS paid_on FROM account_partial_reconcile apr
                                            WHERE apr.debit_move_id = l.id) paid ON paid.paid_on IS NOT NULL
                            WHERE l.reconciled AND l.balance > 0 AND l.parent_state = 'posted'
                              AND a.account_type = 'asset_receivable' AND m.move_type = 'out_invoice'
                              AND l.company_id = %(company)s AND l.partner_id IN %(id_tuple)s
                         GROUP BY l.partner_id) delay ON delay.partner_id = c.id
                LEFT JOIN (SELECT m.commercial_partner_id AS partner_id, SUM(m.amount_untaxed_signed) AS amount
                             FROM account_move m
                            WHERE %(counted)s AND m.commercial_partner_id IN %(id_tuple)s
                         GROUP BY m.commercial_partner_id) invoiced ON invoiced.partner_id = c.id""",
                ids=list(ids), id_tuple=ids, today=today, company=company_id, counted=counted_invoice(company_id)))
        for partner in self:
            commercial = partner.commercial_partner_id
            overdue, delay, invoiced = rows.get(commercial.id, (None, None, None))
            partner.overdue_amount = overdue or 0.0
            partner.average_payment_delay = delay or 0.0
            partner.net_invoiced_amount = invoiced or 0.0
            limit = commercial.credit_limit
            partner.credit_usage = 100.0 * commercial.credit / limit if limit > 0 else 0.0

    def _satisfaction_survey_url(self):
        """Link to the survey answer of the invitation being sent, for its template."""
        url = self.env.context.get("survey_answer_url") or ""
        return self.get_base_url() + url if url.startswith("/") else url

    @api.depends_context("uid", "company")
    def _compute_last_contact_date(self):
        if self._hide_if_inaccessible(["last_contact_date"]):
            return
        ids = self._commercial_ids()
        rows = {}
        if ids:
            self.env["mail.message"].flush_model(["model", "res_id", "author_id", "message_type", "subtype_id", "date"])
            discussion = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
            rows = self._query_by_commercial_partner(SQL(
                """SELECT p.commercial_partner_id, MAX(m.date) FROM mail_message m
                     JOIN res_partner p ON p.id = m.res_id AND m.model = 'res.partner'
                                        OR p.id = m.author_id
                    WHERE p.commercial_partner_id IN %s
                      AND (m.message_type IN ('email', 'email_outgoing')
                           OR m.message_type = 'comment' AND m.subtype_id = %s)
                 GROUP BY p.commercial_partner_id""", ids, discussion))
        for partner in self:
            partner.last_contact_date = rows.get(partner.commercial_partner_id.id, (False,))[0]

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_touch_figures(self):
        fnames = ["touch_count_90d", "touch_inbound_90d", "touch_outbound_90d", "touch_channel_summary",
                  "last_touch_date", "days_since_last_touch"]
        if self._hide_if_inaccessible(fnames):
            return
        ids = self._commercial_ids()
        figures = self.env["crm.touchpoint"]._figures(ids) if ids else {}
        today = fields.Date.today()
        for partner in self:
            figure = figures.get(partner.commercial_partner_id.id, {})
            last = figure.get("last")
            partner.touch_count_90d = figure.get("recent", 0)
            partner.touch_inbound_90d = figure.get("inbound", 0)
            partner.touch_outbound_90d = figure.get("outbound", 0)
            partner.touch_channel_summary = figure.get("summary", False)
            partner.last_touch_date = last or False
            partner.days_since_last_touch = (today - last.date()).days if last else False

    def _search_days_since_last_touch(self, operator, value):
        """Days since the last touch the user may read, searched as "touched since that day";
        customers never touched count as not contacted for any number of days."""
        if not self._fields["days_since_last_touch"].is_accessible(self.env):
            raise AccessError(self.env._("You are not allowed to filter customers on their touchpoints."))
        if operator not in (">=", ">", "<", "<=") or isinstance(value, bool) or not isinstance(value, (int, float)):
            raise UserError(self.env._("Search the days since the last touch with <, <=, > or >= and a number of days."))
        today = fields.Date.today()
        if operator in (">=", ">"):
            # at least N days: nothing since the day N - 1 days ago
            minimum = int(value) + (operator == ">")
            touched = self.env["crm.touchpoint"]._touched_since(today - timedelta(days=minimum - 1))
            return [("commercial_partner_id", "not in", touched)]
        maximum = int(value) - (operator == "<")
        touched = self.env["crm.touchpoint"]._touched_since(today - timedelta(days=maximum))
        return [("commercial_partner_id", "in", touched)]

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_complaint_counts(self):
        if self._hide_if_inaccessible(["complaint_count", "open_complaint_count"]):
            return
        ids = self._commercial_ids()
        counts = self._complaint_counts(ids) if ids else {}
        for partner in self:
            partner.complaint_count, partner.open_complaint_count = counts.get(
                partner.commercial_partner_id.id, (0, 0))

    def _complaint_counts(self, commercial_ids=None):
        """{commercial partner id: [complaints, open complaints]} of the complaints the user may
        read in the active companies, of ``commercial_ids`` (all customers when None): one query."""
        Complaint = self.env["crm.complaint"]
        if not Complaint.has_access("read"):
            return {}
        domain = [("company_id", "in", self.env.companies.ids), ("commercial_partner_id", "!=", False)]
        if commercial_ids is not None:
            domain.append(("commercial_partner_id", "in", list(commercial_ids)))
        counts = defaultdict(lambda: [0, 0])
        for commercial, closed, count in Complaint._read_group(
                domain, ["commercial_partner_id", "is_closed"], ["__count"]):
            counts[commercial.id][0] += count
            if not closed:
                counts[commercial.id][1] += count
        return counts

    def _search_complaint_count(self, operator, value):
        return self._complaint_count_domain("complaint_count", operator, value)

    def _search_open_complaint_count(self, operator, value):
        return self._complaint_count_domain("open_complaint_count", operator, value)

    def _complaint_count_domain(self, fname, operator, value):
        """Customers whose counter matches, counted as it reads: complaints the user may not read
        count for nothing, so a search reveals nothing the form would not show."""
        if not self._fields[fname].is_accessible(self.env):
            raise AccessError(self.env._("You are not allowed to filter customers on their complaints."))
        compare = COUNT_OPERATORS.get(operator)
        if compare is None:
            raise UserError(self.env._("Unsupported operator %s for a complaint counter.", operator))
        # an empty value (a filter "is not set") means no complaint
        if operator in ("in", "not in"):
            value = [int(v or 0) for v in (value if isinstance(value, (list, tuple, set)) else [value])]
        else:
            value = int(value or 0)
        position = 0 if fname == "complaint_count" else 1
        counts = self._complaint_counts()
        if compare(0, value):  # customers without complaints match: exclude those that do not
            return [("commercial_partner_id", "not in",
                     [cid for cid, pair in counts.items() if not compare(pair[position], value)])]
        return [("commercial_partner_id", "in",
                 [cid for cid, pair in counts.items() if compare(pair[position], value)])]

    @api.depends("needs_account_manager")
    def _compute_suggested_user_id(self):
        self.suggested_user_id = False
        candidates = self.filtered("needs_account_manager")
        if not candidates:
            return
        self.env["sale.order"].flush_model(["state", "company_id", "partner_id", "user_id", "amount_untaxed",
                                            "currency_rate"])
        self.env.cr.execute(SQL(
            """SELECT DISTINCT ON (p.commercial_partner_id) p.commercial_partner_id, so.user_id
                 FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
                WHERE %s AND so.user_id IS NOT NULL AND p.commercial_partner_id IN %s
             GROUP BY p.commercial_partner_id, so.user_id
             ORDER BY p.commercial_partner_id, SUM(%s) DESC, so.user_id""",
            counted_order(self.env.company.id), tuple(candidates.commercial_partner_id.ids),
            company_amount(SQL("so.amount_untaxed"))))
        sellers = dict(self.env.cr.fetchall())
        for partner in candidates:
            partner.suggested_user_id = sellers.get(partner.commercial_partner_id.id, False)

    def action_view_touchpoints(self):
        """The touchpoint timeline of the customer (the company) and all its contacts."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_unified_view.crm_touchpoint_action")
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["display_name"] = self.env._("Touchpoints of %s", self.commercial_partner_id.display_name)
        return action

    def action_view_top_products(self):
        """What the customer buys most, by product and category: the Sales Analysis of its confirmed
        orders in the current company, read on click (summing every order line of a customer with
        thousands of orders would slow each opening of its form)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_unified_view.sale_report_action_top_products")
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id), ("state", "=", "sale"),
                            ("company_id", "=", self.env.company.id)]
        action["display_name"] = self.env._("Top Products of %s", self.commercial_partner_id.display_name)
        return action

    def action_assign_suggested_user(self):
        for partner in self.filtered("suggested_user_id"):
            partner.user_id = partner.suggested_user_id

    @api.depends("last_purchase_date")
    @api.depends_context("company")
    def _compute_rfm_recency_days(self):
        today = fields.Date.context_today(self)
        for partner in self:
            last = partner.last_purchase_date
            partner.rfm_recency_days = (today - last).days if last else False

    def _search_rfm_recency_days(self, operator, value):
        """Days since the last purchase, searched as the day of the last purchase."""
        self.check_field_access_rights("read", ["rfm_recency_days"])
        mirrored = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "!=": "!="}
        if operator not in mirrored or (value is not False and not isinstance(value, (int, float))):
            raise UserError(self.env._("Search the days since the last purchase with a number of days."))
        if value is False:
            return [("last_purchase_date", operator, False)]
        day = fields.Date.context_today(self) - timedelta(days=value)
        return [("last_purchase_date", mirrored[operator], day)]

    def _latest_run_sql(self):
        return self.env["crm.segmentation.run"]._latest_run_sql(self.env.company)

    def _latest_result_lines(self, lines):
        """``lines`` (a query on segmentation results) narrowed to the company's latest run."""
        lines.add_where(SQL("%s = %s", SQL.identifier(lines.table, "run_id"), self._latest_run_sql()))
        return lines

    @api.depends_context("company")
    def _compute_segmentation_result_id(self):
        ids = [partner_id for partner_id in self._origin.ids if partner_id]
        lines = {}
        if ids:
            self.env["crm.segmentation.result"].flush_model(["run_id", "partner_id"])
            self.env.cr.execute(SQL(
                "SELECT partner_id, id FROM crm_segmentation_result WHERE run_id = %s AND partner_id = ANY(%s)",
                self._latest_run_sql(), ids))
            lines = dict(self.env.cr.fetchall())
        for partner in self:
            partner.segmentation_result_id = lines.get(partner._origin.id, False)

    def _search_segmentation_result_id(self, operator, value):
        # a searched field is not read: check its groups here
        self.check_field_access_rights("read", ["segmentation_result_id"])
        Result = self.env["crm.segmentation.result"]
        negative = operator in ("!=", "not in", "not any")
        if isinstance(value, Query):
            lines = value
        elif operator in ("any", "not any"):
            lines = Result._search(value)
        elif operator in ("=", "!=") and not value:
            lines, negative = Result._search([]), not negative
        else:
            ids = value if isinstance(value, (list, tuple, set)) else [value]
            lines = Result._search([("id", "in", [line_id for line_id in ids if line_id])])
        partners = self._latest_result_lines(lines).subselect(SQL.identifier(lines.table, "partner_id"))
        return [("id", "not in" if negative else "in", partners)]

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        # The line of the latest run as SQL: the figures read through it can be grouped and sorted.
        if fname != "segmentation_result_id":
            return super()._field_to_sql(alias, fname, query, flush)
        self.check_field_access_rights("read", [fname])
        return SQL("(SELECT r.id FROM crm_segmentation_result r WHERE r.run_id = %s AND r.partner_id = %s)",
                   self._latest_run_sql(), SQL.identifier(alias, "id"))

    @api.depends("segmentation_run_id")
    def _compute_cross_sell_suggestion_ids(self):
        suggestions = self.env["crm.segmentation.suggestion"].search_fetch([
            ("partner_id", "in", self._origin.ids), ("run_id", "in", self.segmentation_run_id.ids)],
            ["run_id", "partner_id", "product_id"])
        suggestions = suggestions._filter_offerable()
        for partner in self:
            partner.cross_sell_suggestion_ids = suggestions.filtered(
                lambda suggestion: suggestion.partner_id == partner._origin
                and suggestion.run_id == partner.segmentation_run_id)

    @api.depends("company_id")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_private_access_codes(self):
        for company, partners in self.grouped("company_id").items():
            partners.private_access_codes = ",".join(sorted(self.env["crm.private.category"]._granted_codes(company)))

    @api.depends_context("uid")
    def _compute_private_info(self):
        """Values the *real* user may see: rules apply even when called in sudo mode."""
        # Loading the values logs the read (or the export) in crm.private.access.log. Where the
        # user is granted no category, the record rules let no value through: none is read (the
        # superuser has no rules).
        granted = self if self.env.user._is_superuser() else self.filtered("private_access_codes")
        infos = self._visible_private_infos(granted._origin.ids, list(PRIVATE_FIELDS))
        by_key = {(info.partner_id.id, info.category_code): info for info in infos}
        for partner in self:
            for fname, code in PRIVATE_FIELDS.items():
                info = by_key.get((partner._origin.id, code))
                partner[fname] = info[fname] if info else False

    def _visible_private_infos(self, partner_ids, value_fnames=()):
        """The private records of ``partner_ids`` the real user may see, with the values
        ``value_fnames`` loaded in the same query."""
        Info = self.env(su=False)["crm.customer.private.info"]
        if not partner_ids or not Info.has_access("read"):
            return Info
        return Info.search_fetch([("partner_id", "in", partner_ids)],
                                 ["partner_id", "category_code", *value_fnames])

    def _private_search_domain(self, fname, operator, value):
        """Search as the real user: partners whose *visible* value matches, never a hint of others."""
        if not self._fields[fname].is_accessible(self.env):
            raise AccessError(self.env._("You are not allowed to search customers on private information."))
        Info = self.env(su=False)["crm.customer.private.info"]
        code = PRIVATE_FIELDS[fname]
        if operator in ("=", "!=") and (value is False or value is None):
            with_value = Info._search([("category_code", "=", code), (fname, "!=", False)])
            return [("id", "not in" if operator == "=" else "in", with_value.subselect("partner_id"))]
        # A negative condition holds for every customer whose visible value does not match,
        # including those whose value the user cannot see: they must look like empty ones.
        positive = NEGATIVE_OPERATORS.get(operator)
        matching = Info._search([("category_code", "=", code), (fname, positive or operator, value)])
        return [("id", "not in" if positive else "in", matching.subselect("partner_id"))]

    def _search_home_address(self, operator, value):
        return self._private_search_domain("home_address", operator, value)

    def _search_income_level(self, operator, value):
        return self._private_search_domain("income_level", operator, value)

    def _search_household_size(self, operator, value):
        return self._private_search_domain("household_size", operator, value)

    def _search_id_number(self, operator, value):
        return self._private_search_domain("id_number", operator, value)

    def _search_date_of_birth(self, operator, value):
        return self._private_search_domain("date_of_birth", operator, value)

    def _write_private(self, code):
        """Store the values of category ``code`` written on ``self`` (only by a granted user)."""
        fnames = [fname for fname, field_code in PRIVATE_FIELDS.items() if field_code == code]
        Info = self.env(su=False)["crm.customer.private.info"]
        existing = {info.partner_id.id: info for info in self._visible_private_infos(self.ids)
                    if info.category_code == code}
        to_create = []
        for partner in self:
            values = {fname: partner[fname] for fname in fnames}
            if partner.id not in existing and not any(values.values()):
                continue  # nothing to store, nothing to reveal
            self.env["crm.private.category"]._check_granted(code, partner.company_id)
            if partner.id in existing:
                existing[partner.id].write(values)
            else:
                to_create.append(dict(values, partner_id=partner.id,
                                      category_id=self.env["crm.private.category"].sudo().search(
                                          [("code", "=", code)], limit=1).id))
        Info.create(to_create)

    def _inverse_private_address(self):
        self._write_private("address")

    def _inverse_private_income(self):
        self._write_private("income")

    def _inverse_private_household(self):
        self._write_private("household")

    def _inverse_private_identity(self):
        self._write_private("identity")

    @api.depends("name", "email", "phone", "mobile", "vat", "country_id", "street", "city", "zip",
                 "website", "date_last_verified", "lifecycle_stage", "loyalty_level",
                 "satisfaction_score", "preferred_contact_channel", "parent_id")
    def _compute_data_quality(self):
        # Stored for everyone to read: never from private items, whose values depend on who looks.
        # filtered here: searching on the related name scans every field of the registry (3.5 ms)
        items = self.env["crm.customer.info.item"].sudo().search([]).filtered(
            lambda item: item.field_name not in PRIVATE_FIELDS)
        descriptive = items.filtered(lambda item: item.info_type == "descriptive")
        expected = items.filtered(lambda item: item.info_type == "behavioural" and item.is_expected)
        duplicates = self._find_duplicate_keys()
        today, now = fields.Date.context_today(self), fields.Datetime.now()
        for partner in self:
            country = partner.country_id.code
            checks = [(item.weight, data_quality.is_valid(item.validation, partner[item.field_name], country))
                      for item in descriptive if item._has_value(partner)]
            is_duplicate = bool(partner._duplicate_keys() & duplicates)
            verified = partner.date_last_verified
            partner.data_accuracy = data_quality.accuracy_score(
                checks, is_duplicate, (today - verified).days if verified else None)
            partner.data_completeness = data_quality.completeness_score(
                (item.weight, item._has_value(partner)) for item in expected)
            partner.is_possible_duplicate = is_duplicate
            partner.data_quality_date = now

    def _duplicate_keys(self):
        self.ensure_one()
        keys = set()
        if self.email_normalized:
            keys.add(("email", self.email_normalized))
        vat = data_quality.vat_key(self.vat)
        if vat:
            keys.add(("vat", vat))
        return keys

    def _find_duplicate_keys(self):
        """Keys (email, tax ID) of ``self`` that another commercial entity uses too: one query."""
        emails = list({partner.email_normalized for partner in self if partner.email_normalized})
        vats = list({key for partner in self for kind, key in partner._duplicate_keys() if kind == "vat"})
        if not emails and not vats:
            return set()
        self.flush_model(["email_normalized", "vat", "commercial_partner_id", "active"])
        self.env.cr.execute(SQL(
            """SELECT kind, key FROM (
                   SELECT 'email' AS kind, email_normalized AS key, commercial_partner_id
                     FROM res_partner WHERE active AND email_normalized = ANY(%s)
                   UNION ALL
                   SELECT 'vat', %s, commercial_partner_id
                     FROM res_partner WHERE active AND vat IS NOT NULL AND %s = ANY(%s)
               ) keys GROUP BY kind, key HAVING COUNT(DISTINCT commercial_partner_id) > 1""",
            emails, vat_key(SQL("vat")), vat_key(SQL("vat")), vats))
        return set(self.env.cr.fetchall())

    # -------------------------------------------------------------------------
    # Install
    # -------------------------------------------------------------------------
    def _auto_init(self):
        """Create the stored computed columns before the ORM does, so that installing on a
        million partners does not compute them one partner at a time: the company in SQL,
        the scores later in batches by their cron (unscored partners have no score date)."""
        if not column_exists(self.env.cr, self._table, "data_quality_date"):
            for column, column_type in (("data_accuracy", "float8"), ("data_completeness", "float8"),
                                        ("is_possible_duplicate", "bool"), ("data_quality_date", "timestamp")):
                create_column(self.env.cr, self._table, column, column_type)
        if not column_exists(self.env.cr, self._table, "data_accuracy_band"):
            for column in ("data_accuracy_band", "data_completeness_band"):
                create_column(self.env.cr, self._table, column, "varchar")
            self.env.cr.execute(SQL("""
                UPDATE res_partner
                   SET data_accuracy_band = LEAST(FLOOR(data_accuracy / 10) * 10, 90)::int::text,
                       data_completeness_band = LEAST(FLOOR(data_completeness / 10) * 10, 90)::int::text
                 WHERE data_quality_date IS NOT NULL"""))
        if not column_exists(self.env.cr, self._table, "properties_company_id"):
            create_column(self.env.cr, self._table, "properties_company_id", "int4")
            self.env.cr.execute(SQL("UPDATE res_partner SET properties_company_id = COALESCE(company_id, %s)",
                                    self.env.company.id))
        return super()._auto_init()

    # -------------------------------------------------------------------------
    # CRUD
    # -------------------------------------------------------------------------
    def unlink(self):
        self.env["crm.customer.private.info"]._log_partner_deletion(self.ids)
        return super().unlink()

    def export_data(self, fields_to_export):
        # the private values loaded by an export are logged as exported, not read
        with logged_as("export"):
            return super().export_data(fields_to_export)

    @api.model
    def get_view(self, view_id=None, view_type="form", **options):
        result = super().get_view(view_id, view_type, **options)
        # The Customer 360 list puts the best customers first for those who may read the value
        # they are ranked by: ordering on it would tell the others who is worth more.
        if view_type == "list" and self.env.user.has_group(SALES_GROUPS) and result["id"] == \
                self.env["ir.model.data"]._xmlid_to_res_id(CUSTOMER_360_LIST, raise_if_not_found=False):
            arch = etree.fromstring(result["arch"])
            arch.set("default_order", "customer_npv desc, complete_name")
            result = dict(result, arch=etree.tostring(arch, encoding="unicode"))
        return result

    # -------------------------------------------------------------------------
    # Actions
    # -------------------------------------------------------------------------
    def action_mark_verified(self):
        self.date_last_verified = fields.Date.context_today(self)

    def action_recompute_data_quality(self):
        self.check_access("read")
        self.sudo()._recompute_data_quality()

    # -------------------------------------------------------------------------
    # Business methods
    # -------------------------------------------------------------------------
    def _recompute_data_quality(self):
        """Recompute the stored scores of ``self`` now (they also depend on other models)."""
        for fname in ("data_accuracy", "data_completeness", "is_possible_duplicate", "data_quality_date"):
            self.env.add_to_compute(self._fields[fname], self)
        self.flush_recordset()

    def _recompute_customer_360_for_commercial(self, data_quality=True):
        """After an order, invoice or complaint changed: their live figures are read again, and
        (with ``data_quality``) the data quality of the companies and their contacts rescored."""
        self.env["res.partner"].invalidate_model(LIVE_FIGURES + ["credit"])
        commercial_ids = data_quality and self._commercial_ids()
        if commercial_ids:
            self.sudo().with_context(active_test=False).search(
                [("commercial_partner_id", "in", commercial_ids)])._recompute_data_quality()

    def _with_one_order_at_most(self):
        """The commercial partners of ``self`` with one confirmed order at most: the ones whose
        behavioural information an order confirmed or cancelled can make appear or go."""
        self.env["sale.order"].flush_model(["state", "partner_id"])
        return self._with_one_at_most(SQL("sale_order"), SQL("t.state = 'sale'"))

    def _with_one_invoice_at_most(self):
        """The commercial partners of ``self`` with one posted customer invoice or credit note at
        most: the ones whose net invoiced an invoice posted or reset can make appear or go."""
        self.env["account.move"].flush_model(["state", "partner_id", "move_type"])
        return self._with_one_at_most(
            SQL("account_move"), SQL("t.state = 'posted' AND t.move_type IN ('out_invoice', 'out_refund')"))

    def _with_one_at_most(self, table, condition):
        """The commercial partners of ``self`` with one row at most of ``table`` (``t``, whose
        ``partner_id`` is one of their partners) meeting ``condition``."""
        self.flush_model(["commercial_partner_id"])
        prepared = len(self) == 1  # after one sale: planned once (see sql_expressions.execute)
        # Two rows tell: a customer with years of orders is not counted through.
        query = SQL("""
            SELECT c.id FROM (SELECT DISTINCT commercial_partner_id AS id FROM res_partner WHERE id = ANY(%s)) c
             WHERE (SELECT COUNT(*) FROM (SELECT FROM res_partner p JOIN %s t ON t.partner_id = p.id AND %s
                                           WHERE p.commercial_partner_id = c.id LIMIT 2) two) <= 1""",
            id_array(self.ids, prepared), table, condition)
        cr = execute(self.env.cr, query, prepared and [("int", self.id)])
        return self.browse([row[0] for row in cr.fetchall()])

    def _refresh_rfm_from_latest_run(self, source):
        """After a sale or an invoice (``source``: "orders" or "invoices") changed, rescore
        the customers of these partners with their last run in the current company, if it counts
        that source."""
        if self:
            self.env["crm.segmentation.run"].sudo()._rescore_rfm(self.env.company, source, self)

    @api.model
    def _data_quality_stale_domain(self):
        """The partners never scored, or not since the start of today. The day is UTC's, as the
        scores' dates are: the user's would rescore in the morning those scored before its
        midnight, or leave them a night more."""
        start_of_day = fields.Datetime.to_datetime(fields.Date.today())
        return ["|", ("data_quality_date", "=", False), ("data_quality_date", "<", start_of_day)]

    @api.model
    def _cron_refresh_data_quality(self, batch_size=1000):
        """Nightly: rescore every partner not scored today, batch by batch (resumable)."""
        domain = self._data_quality_stale_domain()
        partners = self.sudo().search(domain, limit=batch_size, order="id")
        partners._recompute_data_quality()
        remaining = self.sudo().search_count(domain) if len(partners) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(partners), remaining=remaining)
        return partners

    # -------------------------------------------------------------------------
    # Associative information and business customers: set by staff
    # -------------------------------------------------------------------------

    # --- attitude to our products and service (chatter keeps who changed it and when) ---
    attitude = fields.Selection(
        ATTITUDES, "Attitude to Us", tracking=True, groups=CUSTOMER_INFO_GROUPS, copy=False,
        help="The customer's attitude to our products and service, as staff judge it.")
    attitude_note = fields.Text("Attitude Notes", tracking=True, groups=CUSTOMER_INFO_GROUPS, copy=False)
    attitude_from_answers = fields.Selection(
        ATTITUDES, "Attitude in Survey Answers", compute="_compute_attitude_from_answers",
        groups=CUSTOMER_INFO_GROUPS,
        help="From the customer's latest Net Promoter Score answer (promoter: positive, passive: neutral, "
             "detractor: negative); without one, from their satisfaction over the last 12 months (0-5: positive "
             "from 4, neutral from 3, negative below).")
    attitude_date = fields.Date("Attitude Noted On", readonly=True, groups=CUSTOMER_INFO_GROUPS, copy=False)
    attitude_user_id = fields.Many2one(
        "res.users", "Attitude Noted By", readonly=True, groups=CUSTOMER_INFO_GROUPS, copy=False)
    # --- competitors the customer also buys from ---
    competitor_presence_ids = fields.One2many(
        "crm.competitor.presence", "partner_id", "Competitors", groups=CUSTOMER_INFO_GROUPS)
    # --- reasons they left: per company, as the customer status and the revenue of the runs ---
    churn_reason_id = fields.Many2one(
        "crm.lost.reason", "Reason for Leaving", company_dependent=True, tracking=True, groups=SALES_GROUPS,
        copy=False, help="Why the customer stopped buying from the current company, as staff found out.")
    churn_date = fields.Date(
        "Left On", company_dependent=True, groups=SALES_GROUPS, copy=False,
        help="When the reason for leaving was noted; the period of the churn reasons analysis.")
    lead_lost_reason_ids = fields.Many2many(
        "crm.lost.reason", string="Lost Reasons of Opportunities", compute="_compute_lead_lost_reason_ids",
        groups=SALES_GROUPS, help="Lost reasons of the customer's lost leads and opportunities the user may read.")
    # --- business customers ---
    buying_role_ids = fields.Many2many(
        "crm.buying.role", string="Buying Roles", groups=CUSTOMER_INFO_GROUPS,
        help="The parts this contact plays in the company's buying decisions.")
    decision_process_type = fields.Selection(
        DECISION_PROCESS_TYPES, "Decision Process", groups=CUSTOMER_INFO_GROUPS, copy=False)
    decision_approval_steps = fields.Integer(
        "Approval Steps", groups=CUSTOMER_INFO_GROUPS, copy=False,
        help="How many approvals a purchase needs before the order is placed.")
    decision_process_note = fields.Html(
        "How They Decide", groups=CUSTOMER_INFO_GROUPS, copy=False,
        help="Who proposes, who approves and what each needs to see, in the customer's own process.")
    buying_contact_ids = fields.Many2many(
        "res.partner", string="Contacts and Their Roles", compute="_compute_buying_contact_ids",
        groups=CUSTOMER_INFO_GROUPS)

    @api.depends("nps_class", "satisfaction_score")
    def _compute_attitude_from_answers(self):
        for partner in self:
            partner.attitude_from_answers = nps.attitude_from_answers(partner.nps_class, partner.satisfaction_score)

    @api.depends("child_ids.buying_role_ids", "child_ids.type", "child_ids.active")
    def _compute_buying_contact_ids(self):
        for partner in self:
            partner.buying_contact_ids = partner.child_ids.filtered(
                lambda child: child.type == "contact" and not child.is_company)

    @api.depends_context("uid")
    def _compute_lead_lost_reason_ids(self):
        if self._hide_if_inaccessible(["lead_lost_reason_ids"]):
            return
        # with the user's rights: a salesperson sees the reasons of the leads they may read
        Lead = self.env["crm.lead"].with_context(active_test=False)
        commercial_ids = self._commercial_ids()
        reasons = {}
        if commercial_ids and Lead.has_access("read"):
            for contact, reason in Lead._read_group(
                    [("partner_id.commercial_partner_id", "in", list(commercial_ids)), ("active", "=", False),
                     ("probability", "=", 0), ("lost_reason_id", "!=", False)],
                    ["partner_id", "lost_reason_id"]):
                commercial_id = contact.sudo().commercial_partner_id.id
                reasons[commercial_id] = reasons.get(commercial_id, reason.browse()) | reason
        for partner in self:
            partner.lead_lost_reason_ids = reasons.get(partner.commercial_partner_id.id, False)

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._stamp_associative_vals(
            vals, bool(vals.get("attitude") or vals.get("attitude_note"))) for vals in vals_list])

    def write(self, vals):
        return super().write(self._stamp_associative_vals(vals, bool({"attitude", "attitude_note"} & set(vals))))

    def _stamp_associative_vals(self, vals, attitude_noted):
        """Who noted the attitude and when; when the reason for leaving was noted."""
        if attitude_noted:
            vals = dict(vals, attitude_date=fields.Date.context_today(self), attitude_user_id=self.env.user.id)
        if vals.get("churn_reason_id") and not vals.get("churn_date"):
            vals = dict(vals, churn_date=fields.Date.context_today(self))
        return vals

    # -------------------------------------------------------------------------
    # First contact and first response
    # -------------------------------------------------------------------------

    first_contact_date = fields.Datetime(
        readonly=True, copy=False, groups=CUSTOMER_INFO_GROUPS,
        help="The customer's first contact with us: the earliest lead, complaint, email from them, logged "
             "call or meeting, order, or their import.")
    first_contact_channel = fields.Selection(
        FIRST_CONTACT_CHANNELS, readonly=True, copy=False, groups=CUSTOMER_INFO_GROUPS)
    first_contact_ref = fields.Reference(
        FIRST_CONTACT_SOURCES, "First Contact Source", readonly=True, copy=False, groups=CUSTOMER_INFO_GROUPS,
        help="The record of the first contact.")
    first_response_hours = fields.Float(
        "First Response (hours)", readonly=True, copy=False, groups=CUSTOMER_INFO_GROUPS, aggregator="avg",
        help="Hours from the customer's first inbound contact (lead, complaint or email from them) to the first "
             "answer of an internal user: a message sent (not a note) or a done activity on the customer, one of "
             "its contacts, leads or complaints.")

    @api.model
    def _update_first_contacts(self, partner_ids=None):
        """First contact and first response of the commercial partners ``partner_ids`` (ids; all
        when None), from their records, in one statement; only the partners whose values change
        are written. Returns how many were."""
        self.env.cr.execute(SQL("""
            UPDATE res_partner p SET %s FROM (%s) new WHERE p.id = new.id AND %s
        """, SQL(", ").join(SQL("%s = %s", SQL.identifier(field), SQL.identifier("new", column))
                            for field, column in FIRST_CONTACT_FIELDS.items()),
            self._first_contacts_query(partner_ids), FIRST_CONTACT_CHANGED))
        count = self.env.cr.rowcount
        self.invalidate_model(list(FIRST_CONTACT_FIELDS))
        return count

    def _first_contacts_table(self, partner_ids):
        """The first contacts of the commercial partners ``partner_ids`` (an ``SQL`` query of ids:
        a run's customers) in a temporary table (id, date, channel, ref, hours), for the run to
        write with its figures: every row of res_partner written costs an entry in each of its
        many indexes, so a customer is written once."""
        self.env.cr.execute(SQL("""
            DROP TABLE IF EXISTS crm_first_contact_target;
            CREATE TEMPORARY TABLE crm_first_contact_target ON COMMIT DROP AS %s;
            ANALYZE crm_first_contact_target;
            DROP TABLE IF EXISTS crm_first_contact_new;
            CREATE TEMPORARY TABLE crm_first_contact_new ON COMMIT DROP AS %s;
            ANALYZE crm_first_contact_new;
        """, partner_ids, self._first_contacts_query(SQL("SELECT id FROM crm_first_contact_target"))))
        return SQL.identifier("crm_first_contact_new")

    def _first_contacts_query(self, partner_ids):
        """The query of the first contact and first response (id, date, channel, ref, hours) of the
        commercial partners ``partner_ids``: ids, or an ``SQL`` query of them (joined once, not as
        an array repeated in each part), or None for all."""
        for model in ("crm.lead", "crm.complaint", "mail.message", "sale.order", "res.partner"):
            self.env[model].flush_model()
        if partner_ids is None:
            member = lambda _column: SQL("TRUE")  # noqa: E731
        elif isinstance(partner_ids, SQL):
            member = lambda column: SQL("%s IN (%s)", column, partner_ids)  # noqa: E731
        else:
            ids = list(partner_ids)
            member = lambda column: SQL("%s = ANY(%s)", column, ids)  # noqa: E731
        only = {"only_p": member(SQL("p.commercial_partner_id")), "only_c": member(SQL("c.commercial_partner_id")),
                "only_id": member(SQL("p.id"))}
        targets = SQL("SELECT id FROM res_partner WHERE id = commercial_partner_id AND %s", member(SQL("id")))
        return SQL("""
            WITH contacts AS (%(contacts)s),
                 first AS (SELECT DISTINCT ON (partner_id) partner_id, date, channel, ref
                             FROM contacts WHERE date IS NOT NULL ORDER BY partner_id, date, rank, ref),
                 inbound AS (SELECT partner_id, MIN(date) AS date FROM contacts
                              WHERE inbound AND date IS NOT NULL GROUP BY partner_id),
                 threads AS (%(threads)s),
                 answer AS (
                    SELECT i.partner_id, MIN(m.date) AS date
                      FROM inbound i
                      JOIN threads t ON t.partner_id = i.partner_id
                      JOIN mail_message m ON m.model = t.model AND m.res_id = t.res_id
                      LEFT JOIN mail_message_subtype st ON st.id = m.subtype_id
                     WHERE m.date >= i.date
                       AND m.author_id IN (SELECT partner_id FROM res_users WHERE share IS NOT TRUE)
                       AND (m.mail_activity_type_id IS NOT NULL
                            OR (m.message_type IN ('email', 'comment', 'email_outgoing')
                                AND st.id IS NOT NULL AND NOT COALESCE(st.internal, FALSE)))
                  GROUP BY i.partner_id)
            SELECT tp.id, f.date, f.channel, f.ref,
                   round((EXTRACT(EPOCH FROM a.date - i.date) / 3600.0)::numeric, 2)::float8 AS hours
              FROM (%(targets)s) tp
              LEFT JOIN first f ON f.partner_id = tp.id
              LEFT JOIN inbound i ON i.partner_id = tp.id
              LEFT JOIN answer a ON a.partner_id = tp.id
        """, contacts=SQL(CONTACTS, **only), threads=SQL(THREADS, only_p=only["only_p"], only_c=only["only_c"]),
            targets=targets)

    def _update_first_contacts_of_commercial(self):
        """After a lead or complaint of these partners was created."""
        ids = set(self.commercial_partner_id.ids)
        if ids:
            self.env["res.partner"].sudo()._update_first_contacts(ids)
