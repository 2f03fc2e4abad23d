"""Why customers leave: one row per customer who left with the reason staff noted (per company),
and one per lost lead or opportunity with Odoo's lost reason."""
from odoo import fields, models
from odoo.tools import SQL

SOURCES = [("customer", "Customer Who Left"), ("opportunity", "Lost Opportunity")]


class CrmChurnReport(models.Model):
    _name = "crm.churn.report"
    _description = "Churn Reasons Analysis"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "reason_id"
    # read straight from the tables: pending writes to them are flushed first
    _depends = {
        "res.partner": ["churn_reason_id", "churn_date", "rfm_monetary", "user_id", "commercial_partner_id",
                        "company_id"],
        "crm.lead": ["active", "probability", "lost_reason_id", "partner_id", "user_id", "company_id",
                     "date_closed", "expected_revenue"],
    }

    source = fields.Selection(SOURCES, readonly=True)
    reason_id = fields.Many2one("crm.lost.reason", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    lead_id = fields.Many2one("crm.lead", "Lost Opportunity", readonly=True)
    date = fields.Date(readonly=True, help="When the customer's reason was noted, or when the opportunity was lost.")
    customer_count = fields.Integer("Customers Lost", readonly=True, aggregator="sum")
    revenue_lost = fields.Monetary(
        readonly=True, currency_field="currency_id",
        help="The customer's revenue as the company's latest segmentation counted it (RFM monetary value).")
    opportunity_count = fields.Integer("Opportunities Lost", readonly=True, aggregator="sum")
    opportunity_revenue = fields.Monetary("Expected Revenue Lost", readonly=True, currency_field="currency_id")

    @property
    def _table_query(self):
        # Company-dependent values are jsonb keyed by company id: a customer shared by several
        # companies left each of them for its own reason, with the revenue each one counted.
        # Ids: even for a customer in a company, odd for a lost lead.
        return SQL("""
            SELECT (p.id::bigint * 65536 + c.id) * 2 AS id,
                   'customer' AS source, (p.churn_reason_id ->> c.id::text)::int AS reason_id,
                   p.id AS partner_id, p.user_id, c.id AS company_id, NULL::int AS lead_id,
                   (p.churn_date ->> c.id::text)::date AS date,
                   1 AS customer_count, COALESCE((p.rfm_monetary ->> c.id::text)::float, 0) AS revenue_lost,
                   0 AS opportunity_count, 0.0 AS opportunity_revenue
              FROM res_partner p
              JOIN res_company c ON p.churn_reason_id ->> c.id::text IS NOT NULL
             WHERE p.id = p.commercial_partner_id
               AND (p.company_id IS NULL OR p.company_id = c.id)
            UNION ALL
            SELECT l.id::bigint * 2 + 1 AS id, 'opportunity' AS source, l.lost_reason_id AS reason_id,
                   p.commercial_partner_id AS partner_id, l.user_id, l.company_id, l.id AS lead_id,
                   COALESCE(l.date_closed, l.write_date)::date AS date,
                   0 AS customer_count, 0.0 AS revenue_lost,
                   1 AS opportunity_count, COALESCE(l.expected_revenue, 0) AS opportunity_revenue
              FROM crm_lead l
              JOIN res_partner p ON p.id = l.partner_id
             WHERE NOT l.active AND l.probability = 0 AND l.lost_reason_id IS NOT NULL
        """)
