"""A cross-selling suggestion: a product the customer's segment buys and the customer does not."""
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .sql_expressions import execute
from .unkeyed_many2one import UnkeyedMany2one


class CrmSegmentationSuggestion(models.Model):
    _name = "crm.segmentation.suggestion"
    _description = "Cross-selling Suggestion"
    _order = "run_id desc, partner_id, rank"
    # A run inserts up to five rows per customer, millions at a time: the audit columns' foreign
    # keys to the users cost a check per row, and who and when live on the run.
    _log_access = False

    run_id = UnkeyedMany2one("crm.segmentation.run", required=True, ondelete="cascade", index=True)
    partner_id = UnkeyedMany2one("res.partner", "Customer", required=True, ondelete="cascade", index=True)
    product_id = UnkeyedMany2one("product.product", required=True, ondelete="cascade")
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
        if not self:
            return self
        self.flush_model(["run_id", "partner_id", "product_id", "is_sold"])
        self.env["product.product"].flush_model(["active", "product_tmpl_id"])
        self.env["product.template"].flush_model(["sale_ok"])
        self.env["crm.segmentation.run"].flush_model(["company_id", "date_as_of", "transaction_source"])
        self.env["sale.order"].flush_model(["state", "partner_id", "company_id", "date_order"])
        self.env["sale.order.line"].flush_model(["order_id", "product_id"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env.cr.execute(SQL("""
            WITH bought AS MATERIALIZED (
                SELECT DISTINCT run.id AS run_id, p.commercial_partner_id AS partner_id, sol.product_id
                  FROM crm_segmentation_run run
                  JOIN sale_order so ON so.company_id = run.company_id AND so.state = 'sale'
                                    AND (run.transaction_source <> 'orders' OR so.date_order >= run.date_as_of)
                  JOIN res_partner p ON p.id = so.partner_id
                  JOIN sale_order_line sol ON sol.order_id = so.id
                 WHERE run.id = ANY(%(runs)s) AND p.commercial_partner_id = ANY(%(partners)s)
                   AND sol.product_id = ANY(%(products)s))
            SELECT s.id
              FROM crm_segmentation_suggestion s
              JOIN product_product pp ON pp.id = s.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE s.id = ANY(%(ids)s) AND pp.active AND pt.sale_ok AND NOT COALESCE(s.is_sold, FALSE)
               AND NOT EXISTS (SELECT 1 FROM bought
                                WHERE bought.run_id = s.run_id AND bought.partner_id = s.partner_id
                                  AND bought.product_id = s.product_id)""",
            runs=self.run_id.ids, partners=self.partner_id.ids, products=self.product_id.ids, ids=self.ids))
        offerable = {row[0] for row in self.env.cr.fetchall()}
        return self.filtered(lambda suggestion: suggestion.id in offerable)

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
        parameters = None
        if len(set(partners)) == len(set(companies)) == 1:
            # one order's, the usual case: planned once (see sql_expressions.execute)
            parameters = [("int", partners[0]), ("int", companies[0]), ("int[]", products)]
            wanted = SQL("SELECT $1::int, product_id, $2::int FROM unnest($3::int[]) product_id")
        else:
            wanted = SQL("SELECT * FROM unnest(%s::int[], %s::int[], %s::int[])", partners, products, companies)
        return self.sudo().browse(id_ for id_, in execute(self.env.cr, SQL("""
            SELECT s.id FROM crm_segmentation_suggestion s
              JOIN crm_segmentation_run r ON r.id = s.run_id
              JOIN (%s) AS k(partner_id, product_id, company_id)
                ON k.product_id = s.product_id AND k.company_id = r.company_id
              JOIN res_partner p ON p.id = k.partner_id AND p.commercial_partner_id = s.partner_id
        """, wanted), parameters).fetchall())
