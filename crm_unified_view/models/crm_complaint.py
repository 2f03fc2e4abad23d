"""Customer complaints from every channel, handled through a workflow of stages."""
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import consteq, email_normalize, html2plaintext, plaintext2html
from odoo.tools.misc import hmac

from ..analytics.segments import TIER_HIGH

CHANNELS = [
    ("phone", "Phone / Call Centre"),
    ("email", "Email"),
    ("letter", "Letter"),
    ("web", "Web Form"),
    ("visit", "Face to Face"),
]
PRIORITIES = [("0", "Normal"), ("1", "Important"), ("2", "Urgent"), ("3", "Critical")]
HIGH_VALUE_PRIORITY = "2"


class CrmComplaint(models.Model):
    _name = "crm.complaint"
    _description = "Customer Complaint"
    _inherit = ["crm.reply.clock.mixin", "mail.activity.mixin"]
    _order = "priority desc, date_received desc, id desc"
    _primary_email = "email_from"
    _rec_names_search = ["name", "subject", "partner_id"]

    name = fields.Char("Number", required=True, readonly=True, copy=False, default="New", index="trigram")
    subject = fields.Char(required=True, tracking=True)
    partner_id = fields.Many2one("res.partner", "Customer", tracking=True, index=True)
    commercial_partner_id = fields.Many2one(
        "res.partner", related="partner_id.commercial_partner_id", store=True, index=True, string="Customer Company")
    email_from = fields.Char("Email", compute="_compute_email_from", store=True, readonly=False)
    contact_name = fields.Char(
        help="The name the sender gave, when the complaint is not linked to a customer yet.")
    email_confirmed = fields.Boolean(
        readonly=True, copy=False,
        help="The sender of this web complaint proved the email address by the link sent to it.")
    phone = fields.Char(compute="_compute_phone", store=True, readonly=False)
    channel = fields.Selection(CHANNELS, required=True, default="phone", tracking=True)
    date_received = fields.Datetime("Received On", required=True, default=fields.Datetime.now, index=True)
    description = fields.Html()
    category_id = fields.Many2one("crm.complaint.category", tracking=True, index=True,
                                  domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]")
    feedback_type = fields.Selection(related="category_id.feedback_type", store=True)
    product_id = fields.Many2one("product.product", help="Product the complaint is about, if any.")
    priority = fields.Selection(PRIORITIES, compute="_compute_priority", store=True, readonly=False, index=True)
    user_id = fields.Many2one(
        "res.users", "Responsible", compute="_compute_routing", store=True, readonly=False, tracking=True,
        domain=[("share", "=", False)], index=True)
    team_id = fields.Many2one("crm.team", compute="_compute_routing", store=True, readonly=False, tracking=True)
    stage_id = fields.Many2one(
        "crm.complaint.stage", default=lambda self: self._default_stage_id(), tracking=True,
        group_expand="_read_group_stage_ids", index=True, ondelete="restrict", copy=False)
    is_closed = fields.Boolean(related="stage_id.is_closed", store=True)
    resolution = fields.Html()
    date_closed = fields.Datetime("Closed On", readonly=True, copy=False)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    color = fields.Integer()
    # reply templates chosen by keywords, from the last customer email
    reply_rule_id = fields.Many2one("crm.reply.rule", "Matched Reply Rule", readonly=True, copy=False)
    suggested_template_id = fields.Many2one("mail.template", "Suggested Reply", readonly=True, copy=False)
    self_service_article_id = fields.Many2one(
        "crm.knowledge.article", "Self-Service Article", readonly=True, copy=False,
        help="The public article that answers the last email of a customer served through automated channels.")
    # satisfaction survey
    survey_input_ids = fields.One2many("survey.user_input", "complaint_id", "Survey Answers", groups="survey.group_survey_user")
    survey_sent = fields.Boolean(readonly=True, copy=False)
    satisfaction_rating = fields.Float(
        "Satisfaction", readonly=True, copy=False, aggregator="avg", help="Rating given in the survey, 0-5.")
    # web form anti-abuse: only technical staff ever need it
    submitted_ip = fields.Char("Submitted From", readonly=True, copy=False, groups="base.group_system")
    knowledge_article_ids = fields.Many2many(
        "crm.knowledge.article", string="Suggested Articles", compute="_compute_knowledge_article_ids",
        help="Approved articles that answer the customer's words, best first: the same answer whoever answers.")
    knowledge_gap = fields.Boolean(
        "No Article Answers It", compute="_compute_knowledge_gap", store=True, index=True,
        help="No approved article matches this complaint: the knowledge base lacks an answer.")

    _sql_constraints = [
        ("satisfaction_range", "CHECK(satisfaction_rating >= 0 AND satisfaction_rating <= 5)",
         "The satisfaction rating is between 0 and 5."),
    ]

    # ------------------------------------------------------------------
    # Defaults and computes
    # ------------------------------------------------------------------
    @api.model
    def _default_stage_id(self):
        return self.env["crm.complaint.stage"].search([("is_closed", "=", False)], limit=1)

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        return stages.search([], order=stages._order)

    @api.depends("partner_id")
    def _compute_email_from(self):
        for complaint in self:
            if complaint.partner_id.email:
                complaint.email_from = complaint.partner_id.email

    @api.depends("partner_id")
    def _compute_phone(self):
        for complaint in self:
            if complaint.partner_id.phone or complaint.partner_id.mobile:
                complaint.phone = complaint.partner_id.phone or complaint.partner_id.mobile

    @api.depends("partner_id", "company_id")
    def _compute_priority(self):
        """High-value customers' complaints are urgent unless someone chose a priority."""
        for complaint in self:
            if complaint._is_high_value() and complaint.priority in (False, "0"):
                complaint.priority = HIGH_VALUE_PRIORITY
            elif not complaint.priority:
                complaint.priority = "0"

    @api.depends("category_id", "partner_id", "company_id")
    def _compute_routing(self):
        """Route a high-value customer's complaint to the account manager; the others to the category's
        recipient: R&D for product complaints, management for process ones."""
        for complaint in self:
            category = complaint.category_id
            account_manager = complaint.partner_id.commercial_partner_id.sudo().user_id \
                if complaint._is_high_value() else None
            if account_manager:
                complaint.user_id = account_manager
            elif category.user_id:
                complaint.user_id = category.user_id
            elif category.team_id.user_id and not complaint.user_id:
                complaint.user_id = category.team_id.user_id
            if category.team_id:
                complaint.team_id = category.team_id

    def _is_high_value(self):
        """Value tiers are per company: the one the complaint's company gave its customer."""
        self.ensure_one()
        customer = self.partner_id.commercial_partner_id.sudo()
        return bool(customer) and customer.with_company(self.company_id).value_tier == TIER_HIGH

    def _knowledge_text(self):
        return html2plaintext(self.description or ""), self.subject or ""

    @api.depends("subject", "description", "reply_rule_id.article_id")
    @api.depends_context("uid")
    def _compute_knowledge_article_ids(self):
        Article = self.env["crm.knowledge.article"]
        for complaint in self:
            text, subject = complaint._knowledge_text()
            ruled = complaint.reply_rule_id.article_id.filtered(lambda article: article.has_access("read"))
            complaint.knowledge_article_ids = ruled | Article._suggest(text, subject, company=complaint.company_id)

    @api.depends("subject", "description")
    def _compute_knowledge_gap(self):
        Article = self.env["crm.knowledge.article"].sudo()
        for complaint in self:
            text, subject = complaint._knowledge_text()
            complaint.knowledge_gap = not Article._suggest(text, subject, limit=1, company=complaint.company_id)

    @api.model
    def _recompute_knowledge_gaps(self):
        """A newly approved article may answer open complaints that had no answer."""
        gaps = self.sudo().search([("knowledge_gap", "=", True), ("is_closed", "=", False)])
        self.env.add_to_compute(self._fields["knowledge_gap"], gaps)

    def _compute_display_name(self):
        for complaint in self:
            complaint.display_name = f"{complaint.name} {complaint.subject or ''}".strip()

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        sequence = self.env["ir.sequence"]
        for vals in vals_list:
            if vals.get("category_id") and not vals.get("company_id"):
                # a complaint filed under a category belongs to the category's company
                category_company = self.env["crm.complaint.category"].browse(vals["category_id"]).sudo().company_id
                if category_company:
                    vals["company_id"] = category_company.id
            if vals.get("name", "New") == "New":
                date = fields.Datetime.to_datetime(vals.get("date_received")) or fields.Datetime.now()
                vals["name"] = sequence.with_company(vals.get("company_id") or self.env.company.id) \
                    .sudo().next_by_code("crm.complaint", sequence_date=date) or "New"
        complaints = super().create(vals_list)
        complaints.filtered("is_closed").date_closed = fields.Datetime.now()
        complaints.partner_id._recompute_customer_360_for_commercial()
        complaints.partner_id._update_first_contacts_of_commercial()  # a complaint may be the first contact
        return complaints

    def write(self, vals):
        partners = self.partner_id if "partner_id" in vals else self.env["res.partner"]
        entering_survey = self.browse()
        if "stage_id" in vals:
            stage = self.env["crm.complaint.stage"].browse(vals["stage_id"])
            vals.setdefault("date_closed", fields.Datetime.now() if stage.is_closed else False)
            if stage.send_survey:
                entering_survey = self.filtered(lambda complaint: complaint.stage_id != stage)
        result = super().write(vals)
        if {"partner_id", "stage_id", "company_id"} & set(vals):
            (partners | self.partner_id)._recompute_customer_360_for_commercial()
        if vals.get("partner_id"):
            self.partner_id._update_first_contacts_of_commercial()
        if entering_survey and self._survey_auto_send():
            entering_survey.filtered(lambda complaint: not complaint.survey_sent)._send_satisfaction_survey()
        return result

    def unlink(self):
        partners = self.partner_id
        result = super().unlink()
        partners.exists()._recompute_customer_360_for_commercial()
        return result

    # ------------------------------------------------------------------
    # Mail gateway
    # ------------------------------------------------------------------
    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """An email to a complaint alias files a complaint from its sender (found or created)
        in the company of the alias's category."""
        values = dict(custom_values or {})
        if values.get("category_id") and not values.get("company_id"):
            category_company = self.env["crm.complaint.category"].browse(values["category_id"]).company_id
            if category_company:
                values["company_id"] = category_company.id
        # numbered by the sequence, not named after the subject as mail.thread would
        values.setdefault("name", "New")
        company = self.env["res.company"].browse(values.get("company_id")) or self.env.company
        email_from = msg_dict.get("email_from") or msg_dict.get("from") or ""
        author = self.env["res.partner"].browse(msg_dict.get("author_id") or [])
        partner = author if author.company_id in (company, author.company_id.browse()) else author.browse()
        if not partner and email_from:
            partner = self._mail_find_partner_from_emails(
                [email_from], force_create=True, extra_domain=[("company_id", "in", [False, company.id])])[0]
            if author:
                # the gateway found a contact of another company: the email's author is the complaint's customer
                msg_dict["author_id"] = partner.id
        body = html2plaintext(msg_dict.get("body") or "")[:20000]
        values.setdefault("subject", (msg_dict.get("subject") or "").strip()[:250]
                          or self.env._("Complaint by email"))
        values.setdefault("channel", "email")
        values.setdefault("partner_id", partner.id or False)
        values.setdefault("email_from", email_from)
        values.setdefault("description", body and plaintext2html(body))
        return super().message_new(msg_dict, values)

    def _reply_clock_responsible(self):
        return self.user_id or self.category_id.user_id or self.team_id.user_id

    def _reply_clock_show_rule(self, rule):
        self.write({"reply_rule_id": rule.id, "suggested_template_id": rule.template_id.id})

    def _reply_clock_show_article(self, article):
        self.self_service_article_id = article

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        if self.partner_id:
            self._message_add_suggested_recipient(recipients, partner=self.partner_id, reason=self.env._("Customer"))
        elif self.email_from:
            self._message_add_suggested_recipient(recipients, email=self.email_from, reason=self.env._("Customer Email"))
        return recipients

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_reply_with_template(self):
        """Open the composer with the reply template the keyword rules proposed."""
        self.ensure_one()
        if not self.suggested_template_id:
            raise UserError(self.env._("No reply template was proposed for this complaint."))
        return self._composer_action(default_template_id=self.suggested_template_id.id)

    def action_reply_with_article(self):
        """Open the composer with the self-service answer: the link to the proposed public article."""
        self.ensure_one()
        article = self.self_service_article_id
        if not article:
            raise UserError(self.env._("No self-service article was proposed for this complaint."))
        return self._composer_action(default_body=article.sudo()._self_service_answer(self.partner_id))

    def _composer_action(self, **defaults):
        """The chatter's composer on this complaint, to the customer, with ``defaults``."""
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name, "default_res_ids": self.ids,
                "default_composition_mode": "comment", "default_subtype_xmlid": "mail.mt_comment",
                "default_partner_ids": self.partner_id.ids, **defaults,
            },
        }

    def action_link_customer_by_email(self):
        """Staff match a complaint to the customer who has its email address, in its company."""
        for complaint in self:
            customers = complaint._customers_by_email()
            if not customers:
                raise UserError(self.env._("No customer of %(company)s has the email address %(email)s.",
                                           company=complaint.company_id.name, email=complaint.email_from or ""))
            if len(customers) > 1:
                raise UserError(self.env._(
                    "Several customers have the email address %s: choose the right one in the Customer field.",
                    complaint.email_from))
            complaint.partner_id = customers
        return True

    def action_request_article(self):
        """No article answers this complaint: ask a knowledge editor to write one (an activity)."""
        self.ensure_one()
        editors = self.env.ref("crm_unified_view.group_knowledge_editor").users.filtered(
            lambda user: user.active and not user.share and self.company_id in user.company_ids)
        self.activity_schedule(
            "crm_unified_view.mail_activity_type_write_article", user_id=(editors[:1] or self.user_id or self.env.user).id,
            summary=self.env._("Write an article answering: %s", self.subject),
            note=plaintext2html(html2plaintext(self.description or "")[:2000]))
        return True

    def action_send_satisfaction_survey(self):
        if not all(self.mapped("is_closed")):
            raise UserError(self.env._("Send the satisfaction survey once the complaint is resolved."))
        if not self.partner_id:
            raise UserError(self.env._("The complaint has no customer to send the survey to."))
        self._send_satisfaction_survey()
        return True

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _customers_by_email(self):
        """Customers of the complaint's company (or shared ones) with the complaint's email address."""
        self.ensure_one()
        email = email_normalize(self.email_from)
        if not email:
            return self.env["res.partner"]
        return self.env["res.partner"].search([
            ("email_normalized", "=", email), ("company_id", "in", [False, self.company_id.id])])

    # ---- web form: the sender proves the address before the complaint reaches a customer ----
    def _web_confirm_token(self):
        self.ensure_one()
        # bound to the address: a link sent to one address never confirms another
        return hmac(self.env(su=True), "crm_unified_view.complaint_email", (self.id, email_normalize(self.email_from)))

    def _check_web_confirm_token(self, token):
        self.ensure_one()
        return bool(self.channel == "web" and email_normalize(self.email_from) and token
                    and consteq(str(token), self._web_confirm_token()))

    def _web_confirm_url(self):
        self.ensure_one()
        return "%s/complaint/confirm/%s/%s" % (self.get_base_url(), self.id, self._web_confirm_token())

    def _send_web_confirmation(self):
        template = self.env.ref("crm_unified_view.mail_template_complaint_email_confirm")
        for complaint in self:
            template.send_mail(complaint.id)

    def _confirm_web_email(self):
        """The sender opened the link sent to the address: link the complaint to the customer with
        that address in its company, or to a new one when there is none."""
        self.ensure_one()
        if self.email_confirmed:
            return
        values = {"email_confirmed": True}
        if not self.partner_id:
            customers = self.sudo()._customers_by_email()
            partner = customers.sorted(lambda p: (not p.company_id, p.id))[:1] or self.env["res.partner"].sudo().create({
                "name": self.contact_name or self.email_from, "email": self.email_from, "phone": self.phone or False})
            values["partner_id"] = partner.id
        self.sudo().write(values)
        self.sudo().message_post(
            body=self.env._("The sender confirmed the email address %s by the link sent to it.", self.email_from),
            message_type="comment", subtype_xmlid="mail.mt_note", author_id=self.env.ref("base.partner_root").id)

    @api.model
    def _survey_auto_send(self):
        return self.env["ir.config_parameter"].sudo().get_param("crm_unified_view.complaint_survey_auto")

    @api.model
    def _complaint_survey(self):
        param = self.env["ir.config_parameter"].sudo().get_param("crm_unified_view.complaint_survey_id")
        survey = self.env["survey.survey"].sudo().browse(int(param or 0)).exists()
        return survey or self.env.ref("crm_unified_view.survey_complaint_satisfaction", raise_if_not_found=False)

    def _send_satisfaction_survey(self):
        """Invite each complaint's customer to the satisfaction survey (one answer per complaint)."""
        survey = self._complaint_survey()
        template = self.env.ref("crm_unified_view.mail_template_complaint_survey", raise_if_not_found=False)
        if not survey or not template:
            raise UserError(self.env._("No satisfaction survey is configured (Settings › Customer 360)."))
        for complaint in self.filtered("partner_id"):
            answer = survey.sudo()._create_answer(
                partner=complaint.partner_id, check_attempts=False, complaint_id=complaint.id)
            complaint.with_context(survey_answer_url=answer.get_start_url()).message_post_with_source(
                template, message_type="comment", subtype_xmlid="mail.mt_comment",
                partner_ids=complaint.partner_id.ids)
            complaint.sudo().survey_sent = True

    def _survey_url(self):
        """Link to this complaint's survey answer, for the invitation template."""
        self.ensure_one()
        url = self.env.context.get("survey_answer_url")
        if not url:
            answer = self.sudo().survey_input_ids.filtered(lambda a: a.state != "done")[-1:]
            url = answer.get_start_url() if answer else ""
        return self.get_base_url() + url if url.startswith("/") else url

