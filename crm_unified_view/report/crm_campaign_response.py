"""Response of customers to mailings, by the segment each was in: one row per email sent to a customer."""
from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..models.sql_expressions import company_amount


class CrmCampaignResponse(models.Model):
    _name = "crm.campaign.response"
    _description = "Campaign Response by Segment"
    _auto = False
    _order = "mailing_id desc, segment_id"
    _rec_name = "partner_id"
    # read straight from the tables: pending writes to them are flushed first
    _depends = {
        "mailing.trace": ["mass_mailing_id", "model", "res_id", "sent_datetime", "trace_status",
                          "links_click_datetime"],
        "mailing.mailing": ["campaign_id", "segmentation_run_id", "crm_company_id", "response_window_days"],
        "crm.segmentation.result": ["run_id", "partner_id", "segment_id"],
        "sale.order": ["state", "partner_id", "company_id", "date_order", "amount_untaxed", "margin",
                       "currency_rate"],
        "res.partner": ["commercial_partner_id"],
    }

    mailing_id = fields.Many2one("mailing.mailing", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    run_id = fields.Many2one("crm.segmentation.run", "Segmentation Run", readonly=True)
    segment_id = fields.Many2one("crm.segment", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    sent_datetime = fields.Datetime("Sent On", readonly=True)
    sent = fields.Integer(readonly=True)
    opened = fields.Integer(readonly=True)
    clicked = fields.Integer(readonly=True)
    replied = fields.Integer(readonly=True)
    bounced = fields.Integer(readonly=True)
    order_count = fields.Integer("Orders", readonly=True,
                                 help="Orders confirmed within the mailing's response window after the email.")
    revenue = fields.Monetary(readonly=True, help="Untaxed amount of those orders, in company currency.")
    profit = fields.Monetary(readonly=True, help="Margin of those orders (sales price minus cost), in company currency.")
    is_latest = fields.Boolean("Latest Mailing", compute="_compute_is_latest", search="_search_is_latest",
                               help="Emails of the mailing of its company sent last, among those the user may read.")

    def _compute_is_latest(self):
        latest = self._latest_mailing_ids()
        for response in self:
            response.is_latest = response.mailing_id.id in latest

    def _search_is_latest(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        in_latest = (operator == "=") == value
        return [("mailing_id", "in" if in_latest else "not in", self._latest_mailing_ids())]

    def _latest_mailing_ids(self):
        # Read with the user's rights: the latest mailing is among the rows they may see.
        groups = self._read_group([("sent", "=", 1)], ["company_id", "mailing_id"], ["sent_datetime:max"])
        latest = {}
        for company, mailing, sent_datetime in groups:
            if company not in latest or (sent_datetime, mailing.id) > latest[company]:
                latest[company] = (sent_datetime, mailing.id)
        return [mailing_id for _sent, mailing_id in latest.values()]

    @property
    def _table_query(self):
        # Orders of the customer (any of its contacts) in the mailing's company, from the email
        # to the end of the window; statuses as Email Marketing counts them.
        return SQL("""
            SELECT t.id, t.mass_mailing_id AS mailing_id, m.campaign_id, m.segmentation_run_id AS run_id,
                   r.segment_id, t.res_id AS partner_id, m.crm_company_id AS company_id, t.sent_datetime,
                   (t.sent_datetime IS NOT NULL)::int AS sent,
                   (t.trace_status IN ('open', 'reply'))::int AS opened,
                   (t.links_click_datetime IS NOT NULL)::int AS clicked,
                   (t.trace_status = 'reply')::int AS replied,
                   (t.trace_status = 'bounce')::int AS bounced,
                   COALESCE(o.order_count, 0) AS order_count, COALESCE(o.revenue, 0) AS revenue,
                   COALESCE(o.profit, 0) AS profit
              FROM mailing_trace t
              JOIN mailing_mailing m ON m.id = t.mass_mailing_id
         LEFT JOIN crm_segmentation_result r ON r.run_id = m.segmentation_run_id AND r.partner_id = t.res_id
         LEFT JOIN LATERAL (
                SELECT COUNT(*) AS order_count, SUM(%(revenue)s) AS revenue, SUM(%(margin)s) AS profit
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE p.commercial_partner_id = t.res_id AND so.state = 'sale' AND so.company_id = m.crm_company_id
                   AND so.date_order >= t.sent_datetime
                   AND so.date_order < t.sent_datetime + m.response_window_days * INTERVAL '1 day') o ON TRUE
             WHERE t.model = 'res.partner' AND m.crm_company_id IS NOT NULL
        """, revenue=company_amount(SQL("so.amount_untaxed")), margin=company_amount(SQL("so.margin")))

