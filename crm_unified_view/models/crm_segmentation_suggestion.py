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
        """Suggestions worth offering: an active, saleable product the customer has not bought from
        the run's company since the run.

        A run on orders left out what the customer bought up to its day, and Sales dates an order
        when it confirms it: only the company's confirmed orders dated from the run's day on are
        looked at, so opening a customer with years of orders reads none of them. A run on invoices
        did not see orders not invoiced yet: all the company's confirmed orders of the customer count.
        """
        offerable = self.filtered(lambda s: s.product_id.active and s.product_id.sale_ok and not s.is_sold)
        if not offerable:
            return offerable
        runs = offerable.run_id.sudo()
        since = {run.id: run.transaction_source == "orders" and run.date_as_of for run in runs}
        orders = SQL(" OR ").join(
            SQL("(so.company_id = %s AND so.date_order >= %s)", run.company_id.id, since[run.id]) if since[run.id]
            else SQL("so.company_id = %s", run.company_id.id)
            for run in runs)
        self.env["sale.order"].flush_model(["state", "partner_id", "company_id", "date_order"])
        self.env["sale.order.line"].flush_model(["order_id", "product_id"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env.cr.execute(SQL("""
            SELECT p.commercial_partner_id, sol.product_id, so.company_id, MAX(so.date_order)::date
              FROM sale_order so
              JOIN res_partner p ON p.id = so.partner_id
              JOIN sale_order_line sol ON sol.order_id = so.id
             WHERE so.state = 'sale' AND p.commercial_partner_id = ANY(%s) AND sol.product_id = ANY(%s) AND (%s)
          GROUP BY p.commercial_partner_id, sol.product_id, so.company_id""",
            offerable.partner_id.ids, offerable.product_id.ids, orders))
        bought = {(partner_id, product_id, company_id): last for partner_id, product_id, company_id, last
                  in self.env.cr.fetchall()}

        def is_bought(suggestion):
            last = bought.get((suggestion.partner_id.id, suggestion.product_id.id, suggestion.run_id.company_id.id))
            return last is not None and (not since[suggestion.run_id.id] or last >= since[suggestion.run_id.id])
        return offerable.filtered(lambda s: not is_bought(s))

    @api.model
    def _of_order_lines(self, lines):
        """The suggestions made to the customers of ``lines``, by their orders' companies, of their products."""
        lines = lines.filtered("product_id")
        if not lines:
            return self.browse()
        keys = {(line.order_id.partner_id.commercial_partner_id.id, line.product_id.id, line.company_id.id)
                for line in lines}
        candidates = self.sudo().search([
            ("partner_id", "in", [key[0] for key in keys]), ("product_id", "in", lines.product_id.ids),
            ("run_id.company_id", "in", lines.company_id.ids)])
        return candidates.filtered(
            lambda s: (s.partner_id.id, s.product_id.id, s.run_id.company_id.id) in keys)
