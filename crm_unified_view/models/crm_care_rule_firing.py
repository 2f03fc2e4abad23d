"""One entry of a customer into a care rule's condition: a rule acts once per entry."""
from odoo import fields, models


class CrmCareRuleFiring(models.Model):
    _name = "crm.care.rule.firing"
    _description = "Care Rule Firing"
    _order = "id desc"
    # Rules write their firings in bulk, by the thousand, in SQL.
    _log_access = False

    rule_id = fields.Many2one("crm.care.rule", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="rule_id.company_id", store=True)
    partner_id = fields.Many2one("res.partner", "Customer", required=True, ondelete="cascade", index=True,
                                 readonly=True)
    run_id = fields.Many2one("crm.segmentation.run", "Entered in", required=True, ondelete="cascade",
                             readonly=True)
    left_run_id = fields.Many2one("crm.segmentation.run", "Left in", ondelete="set null", readonly=True,
                                  help="The run in which the customer no longer met the rule's condition.")
    previous_pricelist_id = fields.Many2one(
        "product.pricelist", ondelete="set null", readonly=True,
        help="The customer's own pricelist before the rule set its own, given back when they leave.")

    def init(self):
        # An open entry per rule and customer, whatever writes it.
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS crm_care_rule_firing_open_unique
                ON crm_care_rule_firing (rule_id, partner_id) WHERE left_run_id IS NULL
        """)
