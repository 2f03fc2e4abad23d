"""A cross-selling suggestion: a product the customer's segment buys and the customer does not."""
from odoo import fields, models
from odoo.exceptions import UserError


class CrmSegmentationSuggestion(models.Model):
    _name = "crm.segmentation.suggestion"
    _description = "Cross-selling Suggestion"
    _order = "run_id desc, partner_id, rank"

    run_id = fields.Many2one("crm.segmentation.run", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one("res.partner", "Customer", required=True, ondelete="cascade", index=True)
    product_id = fields.Many2one("product.product", required=True, ondelete="cascade")
    rank = fields.Integer()
    share = fields.Float("Bought by (%)", help="Share of the segment's customers who bought the product.")

    def action_create_opportunity(self):
        """Turn the suggestion into a CRM opportunity for the customer's salesperson."""
        self.ensure_one()
        if "crm.lead" not in self.env:
            raise UserError(self.env._("Install the CRM app to turn suggestions into opportunities."))
        lead = self.env["crm.lead"].create({
            "type": "opportunity", "partner_id": self.partner_id.id,
            "name": self.env._("%(product)s for %(customer)s", product=self.product_id.display_name,
                               customer=self.partner_id.display_name),
            "user_id": self.partner_id.user_id.id or self.env.uid,
            "description": self.env._("Bought by %(share)d%% of similar customers.", share=round(self.share * 100)),
        })
        return {"type": "ir.actions.act_window", "res_model": "crm.lead", "res_id": lead.id, "view_mode": "form"}
