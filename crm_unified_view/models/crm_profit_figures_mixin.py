"""Profit and forecast figures, the same on a run (its totals), a segment (its sums) and a
customer's result line: declared once, filled by the segmentation run."""
from odoo import fields, models


class CrmProfitFiguresMixin(models.AbstractModel):
    _name = "crm.profit.figures.mixin"
    _description = "Profit and Forecast Figures"

    # The currency of the figures: each model relates it to its run's company.
    currency_id = fields.Many2one("res.currency", readonly=True)
    # --- profit: margin of the lines sold minus the cost to serve ----------------------
    net_revenue = fields.Monetary(readonly=True, copy=False, help="Revenue of the lines sold, credit notes deducted.")
    margin = fields.Monetary(readonly=True, copy=False,
                             help="Net revenue minus the cost of the goods sold (at the default margin where "
                                  "a product has no cost).")
    cost_orders = fields.Monetary("Cost of Orders", readonly=True, copy=False)
    cost_complaints = fields.Monetary("Cost of Complaints", readonly=True, copy=False)
    cost_credit_notes = fields.Monetary("Cost of Credit Notes", readonly=True, copy=False)
    cost_late_payment = fields.Monetary("Cost of Late Payment", readonly=True, copy=False)
    cost_to_serve = fields.Monetary("Cost to Serve", readonly=True, copy=False)
    profit = fields.Monetary(readonly=True, copy=False, help="Margin minus cost to serve.")
    # --- forecasts (BG/NBD and Gamma-Gamma), empty when the models could not be fitted ---
    expected_purchases_30 = fields.Float("Expected Purchases (30 days)", readonly=True, copy=False)
    expected_purchases_90 = fields.Float("Expected Purchases (90 days)", readonly=True, copy=False)
    expected_purchases_365 = fields.Float("Expected Purchases (365 days)", readonly=True, copy=False)
    expected_profit_30 = fields.Monetary("Expected Profit (30 days)", readonly=True, copy=False)
    expected_profit_90 = fields.Monetary("Expected Profit (90 days)", readonly=True, copy=False)
    expected_profit_365 = fields.Monetary("Expected Profit (365 days)", readonly=True, copy=False)
