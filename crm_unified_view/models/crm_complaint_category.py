"""Complaint categories: where the feedback goes (R&D for products, management for processes)."""
import ast
from datetime import timedelta

from odoo import api, fields, models


class CrmComplaintCategory(models.Model):
    _name = "crm.complaint.category"
    _description = "Complaint Category"
    _inherit = ["mail.alias.mixin.optional"]
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    description = fields.Text(translate=True)
    feedback_type = fields.Selection(
        [("product", "Product (R&D)"), ("process", "Process (Management)"), ("other", "Other")],
        required=True, default="other",
        help="Product-related feedback goes to R&D, process-related feedback to management.")
    user_id = fields.Many2one(
        "res.users", "Feedback Recipient", domain=[("share", "=", False)],
        help="Handles the complaints of this category and receives the periodic summary.")
    team_id = fields.Many2one(
        "crm.team", "Feedback Team",
        help="Team that handles the complaints of this category; its leader and members receive the summary.")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    complaint_count = fields.Integer(compute="_compute_complaint_count")

    def _compute_complaint_count(self):
        counts = dict(self.env["crm.complaint"]._read_group(
            [("category_id", "in", self.ids)], ["category_id"], ["__count"]))
        for category in self:
            category.complaint_count = counts.get(category, 0)

    def write(self, vals):
        result = super().write(vals)
        if "company_id" in vals:
            # complaints emailed to the alias belong to the category's company
            for category in self.filtered("alias_id"):
                category.alias_id.sudo().alias_defaults = category._alias_get_creation_values()["alias_defaults"]
        return result

    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get_id("crm.complaint")
        if self.id:
            values["alias_defaults"] = defaults = ast.literal_eval(self.alias_defaults or "{}")
            defaults["category_id"] = self.id
            defaults["channel"] = "email"
            # not the company of the user running the mail gateway
            if self.company_id:
                defaults["company_id"] = self.company_id.id
            else:
                defaults.pop("company_id", None)
        return values

    # ------------------------------------------------------------------
    # Periodic summary (digest)
    # ------------------------------------------------------------------
    def _digest_recipients(self):
        self.ensure_one()
        users = self.user_id | self.team_id.user_id | self.team_id.member_ids
        return users.filtered(lambda user: user.active and not user.share and user.email).partner_id

    def _digest_lines(self, date_from, date_to):
        """Complaints of the category received in [date_from, date_to]: per product, with open ones."""
        self.ensure_one()
        domain = [("category_id", "=", self.id), ("date_received", ">=", date_from), ("date_received", "<=", date_to)]
        Complaint = self.env["crm.complaint"].sudo()
        totals = Complaint._read_group(domain, ["product_id"], ["__count"])
        open_counts = dict(Complaint._read_group(domain + [("is_closed", "=", False)], ["product_id"], ["__count"]))
        return [{"product": product.display_name if product else self.env._("No product"),
                 "count": count, "open": open_counts.get(product, 0)}
                for product, count in sorted(totals, key=lambda row: -row[1])]

    @api.model
    def _cron_send_digest(self, days=7):
        """Weekly summary of complaints to each category's recipients (email)."""
        template = self.env.ref("crm_unified_view.mail_template_complaint_digest", raise_if_not_found=False)
        if not template:
            return
        date_to = fields.Datetime.now()
        date_from = date_to - timedelta(days=days)
        for category in self.search([]):
            recipients = category._digest_recipients()
            if not recipients or not category._digest_lines(date_from, date_to):
                continue
            template.with_context(digest_date_from=date_from, digest_date_to=date_to).send_mail(
                category.id, email_values={"recipient_ids": [(6, 0, recipients.ids)]},
                email_layout_xmlid="mail.mail_notification_light")
