"""Answered satisfaction surveys by segment, product, salesperson and period: one row per answer,
so that every average (satisfaction, NPS) weighs each answer once."""
from odoo import fields, models
from odoo.tools import SQL

from ..analytics.nps import NPS_CLASSES, NPS_VALUES
from ..models.survey_user_input import SURVEY_TRIGGERS


class CrmSatisfactionAnalysis(models.Model):
    _name = "crm.satisfaction.analysis"
    _description = "Satisfaction Survey Analysis"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    _depends = {
        "survey.user_input": ["state", "end_datetime", "survey_id", "satisfaction_trigger", "customer_id",
                              "satisfaction_company_id", "sale_order_id", "salesperson_id", "satisfaction_rating",
                              "nps_score", "nps_class"],
        "sale.order.line": ["order_id", "product_id", "display_type", "price_subtotal"],
        "crm.segmentation.run": ["company_id", "state", "date_as_of"],
        "crm.segmentation.result": ["run_id", "partner_id", "segment_id"],
    }

    user_input_id = fields.Many2one("survey.user_input", "Answer", readonly=True)
    survey_id = fields.Many2one("survey.survey", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    trigger = fields.Selection(SURVEY_TRIGGERS, readonly=True)
    segment_id = fields.Many2one("crm.segment", readonly=True, help="The customer's segment in the latest run.")
    order_id = fields.Many2one("sale.order", readonly=True)
    product_id = fields.Many2one("product.product", "Main Product", readonly=True,
                                 help="The product of the surveyed order's largest line (untaxed).")
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    date = fields.Date("Answered On", readonly=True)
    satisfaction = fields.Float(readonly=True, aggregator="avg", help="Satisfaction rating, 0-5.")
    nps = fields.Float(
        "NPS", readonly=True, aggregator="avg",
        help="Averaged over a group: % promoters minus % detractors (a promoter counts 100, a passive 0, "
             "a detractor -100).")
    nps_score = fields.Integer("NPS Answer", readonly=True, aggregator="avg")
    nps_class = fields.Selection(NPS_CLASSES, "NPS Class", readonly=True)
    answer_count = fields.Integer("Answers", readonly=True)

    @property
    def _table_query(self):
        return SQL("""
            SELECT ui.id, ui.id AS user_input_id, ui.survey_id, ui.customer_id AS partner_id,
                   ui.satisfaction_company_id AS company_id, ui.satisfaction_trigger AS trigger,
                   r.segment_id, ui.sale_order_id AS order_id, pr.product_id, ui.salesperson_id AS user_id,
                   ui.end_datetime::date AS date, ui.satisfaction_rating AS satisfaction,
                   CASE ui.nps_class WHEN 'promoter' THEN %(promoter)s WHEN 'passive' THEN %(passive)s
                        WHEN 'detractor' THEN %(detractor)s END AS nps,
                   ui.nps_score, ui.nps_class,
                   1 AS answer_count
              FROM survey_user_input ui
         LEFT JOIN LATERAL (
                SELECT run.id FROM crm_segmentation_run run
                 WHERE run.company_id = ui.satisfaction_company_id AND run.state = 'done'
              ORDER BY run.date_as_of DESC, run.id DESC LIMIT 1) latest ON TRUE
         LEFT JOIN crm_segmentation_result r ON r.run_id = latest.id AND r.partner_id = ui.customer_id
         LEFT JOIN LATERAL (
                SELECT sol.product_id FROM sale_order_line sol
                 WHERE sol.order_id = ui.sale_order_id AND sol.product_id IS NOT NULL AND sol.display_type IS NULL
              ORDER BY sol.price_subtotal DESC, sol.id LIMIT 1) pr ON TRUE
             WHERE ui.state = 'done' AND ui.satisfaction_trigger IS NOT NULL AND ui.customer_id IS NOT NULL
        """, promoter=NPS_VALUES["promoter"], passive=NPS_VALUES["passive"], detractor=NPS_VALUES["detractor"])
