"""Care rules: when a segmentation run shows a customer entering a stage, tier, status or
segment, act on it once (activity plan, mailing list, pricelist, account manager, opportunity)."""
import logging
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..analytics.pipeline import LIFECYCLE_STAGES
from ..analytics.segments import VALUE_TIERS

_logger = logging.getLogger(__name__)

TRIGGERS = [
    ("stage", "Enters a lifecycle stage"),
    ("tier", "Enters a value tier"),
    ("status", "Becomes dormant or lost"),
    ("segment", "Enters a segment"),
    ("probability", "Probability active drops below"),
    ("at_risk", "High value at risk"),
    ("not_contacted", "Not contacted for N days"),
]
ACTIONS = [
    ("activity_plan", "Launch an activity plan"),
    ("mailing_list", "Add to a mailing list"),
    ("pricelist", "Set a pricelist"),
    ("account_manager", "Assign an account manager"),
    ("opportunity", "Create an opportunity"),
]
# The field each trigger and action needs.
TRIGGER_FIELDS = {"stage": "lifecycle_stage", "tier": "value_tier", "status": "customer_status",
                  "segment": "segment_id", "probability": "probability_threshold",
                  "not_contacted": "no_touch_days"}
ACTION_FIELDS = {"activity_plan": "activity_plan_id", "mailing_list": "mailing_list_id",
                 "pricelist": "pricelist_id", "account_manager": "user_id"}


class CrmCareRule(models.Model):
    _name = "crm.care.rule"
    _description = "Customer Care Rule"
    _order = "company_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    trigger = fields.Selection(TRIGGERS, "When the Customer", required=True, default="stage")
    lifecycle_stage = fields.Selection(LIFECYCLE_STAGES)
    value_tier = fields.Selection(VALUE_TIERS)
    customer_status = fields.Selection([("dormant", "Dormant"), ("lost", "Lost")])
    segment_id = fields.Many2one(
        "crm.segment", check_company=True,
        help="Every run makes its own segments: the rule follows the segments of this name in later runs.")
    probability_threshold = fields.Float("Probability Active Below (%)")
    no_touch_days = fields.Integer(
        "Days Without Touch", default=90,
        help="No email, call, meeting, complaint, order, invoice, survey answer or vote of the customer or its "
             "contacts in this many days up to the run's date.")
    action = fields.Selection(ACTIONS, "Then", required=True, default="activity_plan")
    activity_plan_id = fields.Many2one(
        "mail.activity.plan", domain=[("res_model", "=", "res.partner")],
        help="Its activities go to the customer's salesperson, else the plan's default user, else the user below.")
    mailing_list_id = fields.Many2one("mailing.list")
    pricelist_id = fields.Many2one(
        "product.pricelist", check_company=True,
        help="Set while the customer meets the condition; their own pricelist comes back when they leave.")
    user_id = fields.Many2one(
        "res.users", check_company=True,
        help="The account manager to assign; for plans and opportunities, the responsible of customers "
             "without a salesperson.")
    firing_ids = fields.One2many("crm.care.rule.firing", "rule_id", "Firings")
    firing_count = fields.Integer("Customers Entered", compute="_compute_firing_count")

    def _compute_firing_count(self):
        counts = dict(self.env["crm.care.rule.firing"]._read_group(
            [("rule_id", "in", self.ids)], ["rule_id"], ["__count"]))
        for rule in self:
            rule.firing_count = counts.get(rule, 0)

    @api.constrains("trigger", "action", *TRIGGER_FIELDS.values(), *ACTION_FIELDS.values())
    def _check_settings(self):
        for rule in self:
            needed = [TRIGGER_FIELDS.get(rule.trigger), ACTION_FIELDS.get(rule.action)]
            missing = [self._fields[name].get_description(self.env)["string"] for name in needed
                       if name and not rule[name]]
            if missing:
                raise ValidationError(self.env._("The rule %(rule)s needs: %(fields)s.", rule=rule.name,
                                                 fields=", ".join(missing)))
            if rule.trigger == "not_contacted" and rule.no_touch_days < 1:
                raise ValidationError(self.env._("Days Without Touch must be 1 or more."))
            if rule.segment_id and rule.segment_id.company_id != rule.company_id:
                raise ValidationError(self.env._("The segment of a rule comes from a run of its company."))

    def action_view_firings(self):
        return {
            "type": "ir.actions.act_window", "name": self.env._("Customers Entered"),
            "res_model": "crm.care.rule.firing", "view_mode": "list", "domain": [("rule_id", "in", self.ids)],
        }

    # -------------------------------------------------------------------------
    # Evaluation at the end of a run
    # -------------------------------------------------------------------------
    @api.model
    def _apply_run(self, run):
        """Act on the customers who entered a rule's condition in ``run`` since the company's
        previous run, and end the entries of those who left it. Nothing for a back-test."""
        Run = self.env["crm.segmentation.run"].sudo()
        later = Run.search_count([("company_id", "=", run.company_id.id), ("state", "=", "done"),
                                  ("date_as_of", ">", run.date_as_of)], limit=1)
        rules = self.sudo().with_company(run.company_id).search([("company_id", "=", run.company_id.id)])
        if later or not rules:
            return
        previous = Run.search([
            ("company_id", "=", run.company_id.id), ("state", "=", "done"), ("id", "!=", run.id),
            "|", ("date_as_of", "<", run.date_as_of), "&", ("date_as_of", "=", run.date_as_of), ("id", "<", run.id),
        ], order="date_as_of desc, id desc", limit=1)
        self.env.flush_all()
        # The run has just written its rows: without statistics on them, PostgreSQL would join
        # the two runs one customer at a time.
        self.env.cr.execute("ANALYZE crm_segmentation_result")
        for rule in rules:
            left = rule._leave(run)
            entered = rule._enter(run, previous)
            _logger.info("Care rule %s after run %s: %d customers entered, %d left",
                         rule.id, run.id, len(entered), len(left))
            if entered:
                rule._act(entered, run)
        self.env["crm.care.rule.firing"].invalidate_model()

    def _condition(self, alias, run=None):
        """The rule's condition on a result row of ``alias``, a row of ``run``, in SQL."""
        row = SQL.identifier
        if self.trigger == "stage":
            return SQL("%s = %s", row(alias, "lifecycle_stage"), self.lifecycle_stage)
        if self.trigger == "tier":
            return SQL("%s = %s", row(alias, "value_tier"), self.value_tier)
        if self.trigger == "status":
            dormant_after, lost_after = self.env["res.partner"]._customer_status_limits()
            if self.customer_status == "lost":
                return SQL("%s >= %s", row(alias, "recency_days"), lost_after)
            return SQL("%s >= %s AND %s < %s", row(alias, "recency_days"), dormant_after,
                       row(alias, "recency_days"), lost_after)
        if self.trigger == "segment":
            return SQL("%s IN (SELECT id FROM crm_segment WHERE run_id = %s AND name->>'en_US' = %s)",
                       row(alias, "segment_id"), row(alias, "run_id"),
                       self.segment_id.with_context(lang="en_US").name)
        if self.trigger == "probability":
            return SQL("%s < %s", row(alias, "probability_alive"), self.probability_threshold / 100.0)
        if self.trigger == "not_contacted":
            if not run:
                return SQL("FALSE")
            # One scan of the touches of those days for all customers, not one per customer; a row
            # of no run (the customer was not in the previous one) meets no condition.
            since = fields.Datetime.to_datetime(run.date_as_of - timedelta(days=self.no_touch_days - 1))
            until = fields.Datetime.to_datetime(run.date_as_of + timedelta(days=1))
            return SQL("""%s IS NOT NULL AND %s NOT IN (
                SELECT touch.commercial_partner_id FROM (%s) touch
                 WHERE touch.date >= %s AND touch.date < %s AND touch.commercial_partner_id IS NOT NULL)""",
                row(alias, "run_id"), row(alias, "partner_id"), self.env["crm.touchpoint"].sudo()._table_query,
                since, until)
        return SQL("%s", row(alias, "at_risk"))

    def _enter(self, run, previous):
        """Log the customers who meet the condition in ``run`` and did not in ``previous`` (nor
        have an open entry): their ids."""
        company = str(run.company_id.id)
        self.env.cr.execute(SQL("""
            INSERT INTO crm_care_rule_firing (rule_id, company_id, partner_id, run_id, previous_pricelist_id)
            SELECT %(rule)s, %(company)s, cur.partner_id, %(run)s,
                   (SELECT pl.id FROM product_pricelist pl
                     WHERE pl.id = (p.specific_property_product_pricelist ->> %(key)s)::int)
              FROM crm_segmentation_result cur
              JOIN res_partner p ON p.id = cur.partner_id
         LEFT JOIN crm_segmentation_result prev ON prev.run_id = %(previous)s AND prev.partner_id = cur.partner_id
             WHERE cur.run_id = %(run)s AND %(now)s AND NOT COALESCE(%(before)s, FALSE)
               AND NOT EXISTS (SELECT 1 FROM crm_care_rule_firing f
                                WHERE f.rule_id = %(rule)s AND f.partner_id = cur.partner_id
                                  AND f.left_run_id IS NULL)
         RETURNING partner_id
        """, rule=self.id, company=run.company_id.id, run=run.id, key=company, previous=previous.id or None,
            now=self._condition("cur", run), before=self._condition("prev", previous)))
        return self.env["res.partner"].browse(row[0] for row in self.env.cr.fetchall())

    def _leave(self, run):
        """End the open entries of customers who no longer meet the condition in ``run``, giving
        back their own pricelist: the customers who left."""
        self.env.cr.execute(SQL("""
            UPDATE crm_care_rule_firing f SET left_run_id = %(run)s
             WHERE f.rule_id = %(rule)s AND f.left_run_id IS NULL
               AND NOT EXISTS (SELECT 1 FROM crm_segmentation_result cur
                                WHERE cur.run_id = %(run)s AND cur.partner_id = f.partner_id AND %(now)s)
         RETURNING f.id
        """, run=run.id, rule=self.id, now=self._condition("cur", run)))
        firings = self.env["crm.care.rule.firing"].browse(row[0] for row in self.env.cr.fetchall())
        if self.action == "pricelist" and firings:
            self._restore_pricelists(firings, run.company_id)
        return firings

    def _restore_pricelists(self, firings, company):
        # Only where the rule's pricelist is still the customer's: a pricelist set by hand since stays.
        partners = firings.partner_id.with_company(company)
        still = partners.filtered(lambda partner: partner.specific_property_product_pricelist == self.pricelist_id)
        for pricelist, group in firings.filtered(lambda firing: firing.partner_id in still).grouped(
                "previous_pricelist_id").items():
            group.partner_id.with_company(company).write({"specific_property_product_pricelist": pricelist.id})

    # -------------------------------------------------------------------------
    # Actions, each in bulk
    # -------------------------------------------------------------------------
    def _act(self, partners, run):
        partners = partners.with_company(run.company_id)
        getattr(self, "_act_%s" % self.action)(partners, run)

    def _responsible(self, partner, default=None):
        return partner.user_id or default or self.user_id

    def _act_activity_plan(self, partners, run):
        model_id = self.env["ir.model"]._get_id("res.partner")
        # computed for all at once: the activities read it one customer at a time
        partners.mapped("display_name")
        values = []
        for template in self.activity_plan_id.template_ids:
            deadline = template._get_date_deadline()
            default = template.responsible_id if template.responsible_type == "other" else None
            values += [{
                "res_model_id": model_id, "res_model": "res.partner", "res_id": partner.id,
                "res_name": partner.display_name, "activity_type_id": template.activity_type_id.id,
                "summary": template.summary, "note": template.note, "date_deadline": deadline, "active": True,
                "user_id": user.id, "user_tz": user.tz,
            } for partner in partners if (user := self._responsible(partner, default))]
        self._subscribe_assignees(values)
        # One create for all; the assignees find them in their activities, not one email each.
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(values)

    def _subscribe_assignees(self, values):
        """The assignees follow their customers, in one statement: creating the activities would
        otherwise subscribe them record by record (and twice to a customer with two steps)."""
        users = self.env["res.users"].browse({value["user_id"] for value in values})
        partner_of = {user.id: user.partner_id.id for user in users}
        self.env["mail.followers"].flush_model()
        self.env.cr.execute(SQL("""
            INSERT INTO mail_followers (res_model, res_id, partner_id)
            SELECT DISTINCT 'res.partner', res_id, partner_id FROM unnest(%s::int[], %s::int[]) AS f(res_id, partner_id)
            ON CONFLICT DO NOTHING
        """, [value["res_id"] for value in values], [partner_of[value["user_id"]] for value in values]))
        self.env["mail.followers"].invalidate_model()
        self.env["res.partner"].invalidate_model(["message_follower_ids", "message_partner_ids"])

    def _act_mailing_list(self, partners, run):
        listed = set(self.mailing_list_id.contact_ids.mapped("email_normalized"))
        self.env["mailing.contact"].create([{
            "name": partner.name, "email": partner.email, "list_ids": [Command.link(self.mailing_list_id.id)],
        } for partner in partners if partner.email_normalized and partner.email_normalized not in listed])

    def _act_pricelist(self, partners, run):
        partners.write({"specific_property_product_pricelist": self.pricelist_id.id})

    def _act_account_manager(self, partners, run):
        partners.filtered(lambda partner: not partner.user_id).write({"user_id": self.user_id.id})

    def _act_opportunity(self, partners, run):
        self.env["crm.lead"].with_company(run.company_id).create([{
            "name": "%s: %s" % (self.name, partner.name), "type": "opportunity", "partner_id": partner.id,
            "user_id": self._responsible(partner).id, "company_id": run.company_id.id,
        } for partner in partners])
