"""A cross-selling suggestion: a product the customer's segment buys and the customer does not."""
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class CrmSegmentationSuggestion(models.Model):
    _name = "crm.segmentation.suggestion"
    _description = "Cross-selling Suggestion"
    _order = "run_id desc, partner_id, rank"

    run_id = fields.Many2one("crm.segmentation.run", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one("res.partner", "Customer", required=True, ondelete="cascade", index=True)
    product_id = fields.Many2one("product.product", required=True, ondelete="cascade")
    rank = fields.Integer()
    share = fields.Float("Bought by (%)", help="Share of the segment's customers who bought the product.")
    is_quoted = fields.Boolean("Quoted", readonly=True, help="An order line of the customer has the product.")
    is_sold = fields.Boolean("Sold", readonly=True, help="A confirmed order of the customer has the product.")

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
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

    def action_add_to_order(self):
        """Add the suggested product to the quotation in the context (``cuv_order_id``)."""
        self.ensure_one()
        order = self.env["sale.order"].browse(self.env.context.get("cuv_order_id"))
        order.check_access("write")
        if order.partner_id.commercial_partner_id != self.partner_id:
            raise UserError(self.env._("This suggestion is for another customer."))
        if order.state not in ("draft", "sent"):
            raise UserError(self.env._("Only quotations take new products."))
        self.env["sale.order.line"].create({"order_id": order.id, "product_id": self.product_id.id})
        return True

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _filter_offerable(self):
        """Suggestions worth offering: an active, saleable product the customer has not bought since the run."""
        offerable = self.filtered(lambda s: s.product_id.active and s.product_id.sale_ok and not s.is_sold)
        if not offerable:
            return offerable
        bought = self.env["sale.order.line"].sudo()._read_group(
            [("state", "=", "sale"), ("product_id", "in", offerable.product_id.ids),
             ("order_id.partner_id.commercial_partner_id", "in", offerable.partner_id.ids)],
            ["order_partner_id", "product_id"])
        bought = {(partner.commercial_partner_id, product) for partner, product in bought}
        return offerable.filtered(lambda s: (s.partner_id, s.product_id) not in bought)

    @api.model
    def _of_order_lines(self, lines):
        """The suggestions made to the customers of ``lines``, by their orders' companies, of their
        products: one query, as it runs with every order confirmed and every line added."""
        # the orders' partners: the query finds their commercial partners (the customers)
        keys = {(line.order_id.partner_id.id, line.product_id.id, line.company_id.id)
                for line in lines if line.product_id}
        if not keys:
            return self.browse()
        self.flush_model(["run_id", "partner_id", "product_id"])
        self.env["crm.segmentation.run"].flush_model(["company_id"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        partners, products, companies = (list(column) for column in zip(*keys))
        return self.sudo().browse(id_ for id_, in self.env.execute_query(SQL("""
            SELECT s.id FROM crm_segmentation_suggestion s
              JOIN crm_segmentation_run r ON r.id = s.run_id
              JOIN unnest(%s::int[], %s::int[], %s::int[]) AS k(partner_id, product_id, company_id)
                ON k.product_id = s.product_id AND k.company_id = r.company_id
              JOIN res_partner p ON p.id = k.partner_id AND p.commercial_partner_id = s.partner_id
        """, partners, products, companies)))
