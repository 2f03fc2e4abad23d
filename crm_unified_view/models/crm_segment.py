"""A customer segment discovered by one segmentation run."""
from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..analytics.segments import LEVELS


class CrmSegment(models.Model):
    _name = "crm.segment"
    _description = "Customer Segment"
    _inherit = "crm.profit.figures.mixin"
    _order = "run_id desc, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(help="0 for the most valuable segment of its run.")
    run_id = fields.Many2one("crm.segmentation.run", required=True, ondelete="cascade", index=True)
    date_as_of = fields.Date(related="run_id.date_as_of", store=True)
    company_id = fields.Many2one(related="run_id.company_id", store=True)
    value_level = fields.Selection(LEVELS, "Value")
    frequency_level = fields.Selection(LEVELS, "Frequency")
    recency_level = fields.Selection(LEVELS, "Recency")
    customer_count = fields.Integer("Customers")
    median_recency_days = fields.Float("Median Days Since Last Purchase")
    median_frequency = fields.Float("Median Purchases")
    median_monetary = fields.Float("Median Revenue")
    currency_id = fields.Many2one(related="run_id.currency_id")
    at_risk_count = fields.Integer("Customers at Risk")
    color = fields.Integer(compute="_compute_color")
    # what became of the run's cross-selling suggestions to the segment's customers, counted on read
    suggestion_count = fields.Integer("Suggestions", compute="_compute_suggestion_figures")
    suggestion_quoted_count = fields.Integer("Suggestions Quoted", compute="_compute_suggestion_figures")
    suggestion_sold_count = fields.Integer("Suggestions Sold", compute="_compute_suggestion_figures")
    suggestion_hit_rate = fields.Float(
        "Suggestion Hit Rate (%)", compute="_compute_suggestion_figures",
        help="Share of the suggestions made to the segment's customers that they bought.")
    is_latest = fields.Boolean("Latest Run", compute="_compute_is_latest", search="_search_is_latest",
                               help="Made by the latest run, of its company and source, that the user may read.")

    def _compute_color(self):
        for segment in self:
            segment.color = segment.sequence % 11 + 1

    def _compute_suggestion_figures(self):
        counts = {}
        segments = self._origin.filtered("id")
        if segments:
            self.env["crm.segmentation.suggestion"].flush_model(["run_id", "partner_id", "is_quoted", "is_sold"])
            self.env["crm.segmentation.result"].flush_model(["run_id", "partner_id", "segment_id"])
            # one pass over the runs' suggestions, matched to their customers' segment in the same run
            # (results are indexed by run, not by segment)
            self.env.cr.execute(SQL(
                """SELECT r.segment_id, COUNT(*), COUNT(*) FILTER (WHERE s.is_quoted), COUNT(*) FILTER (WHERE s.is_sold)
                     FROM crm_segmentation_suggestion s
                     JOIN crm_segmentation_result r ON r.run_id = s.run_id AND r.partner_id = s.partner_id
                    WHERE r.run_id IN %s AND r.segment_id IN %s
                 GROUP BY r.segment_id""", tuple(segments.run_id.ids), tuple(segments.ids)))
            counts = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for segment in self:
            total, quoted, sold = counts.get(segment._origin.id, (0, 0, 0))
            segment.suggestion_count = total
            segment.suggestion_quoted_count = quoted
            segment.suggestion_sold_count = sold
            segment.suggestion_hit_rate = 100.0 * sold / total if total else 0.0

    def _compute_is_latest(self):
        latest = self._latest_run_ids()
        for segment in self:
            segment.is_latest = segment.run_id.id in latest

    def _search_is_latest(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        in_latest = (operator == "=") == value
        return [("run_id", "in" if in_latest else "not in", self._latest_run_ids())]

    def _latest_run_ids(self):
        # Runs read with the user's rights: the latest one is among those they may see.
        groups = self.env["crm.segmentation.run"]._read_group(
            [("state", "=", "done")], ["company_id", "transaction_source"], ["id:max"])
        return [run_id for _company, _source, run_id in groups]

    def action_create_mailing(self):
        return self.env["crm.mailing.create"]._action_open(self)
