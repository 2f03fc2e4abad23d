"""The reply alarm: a clock per customer email waiting for a first reply from staff."""
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, create_index, email_normalize

from ..analytics.segments import VALUE_TIERS

_logger = logging.getLogger(__name__)

OPEN_STATES = ("open", "alarmed", "escalated")
DEFAULT_LIMIT_HOURS = 12.0
DEFAULT_ESCALATION_HOURS = 24.0
DEFAULT_AUTO_REPLIES_PER_SENDER = 3  # automatic answers per sender and day


class CrmReplyClock(models.Model):
    _name = "crm.reply.clock"
    _description = "Customer Reply Clock"
    _order = "date_deadline, id"

    res_model = fields.Char("Document Model", required=True, readonly=True)
    res_id = fields.Many2oneReference("Document", model_field="res_model", required=True, readonly=True)
    record_name = fields.Char("Document Name", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True, index="btree_not_null")
    user_id = fields.Many2one("res.users", "Responsible", readonly=True, index="btree_not_null")
    value_tier = fields.Selection(VALUE_TIERS, "Customer Value", readonly=True,
                                  help="The customer's value tier when the email came: it sets the limits.")
    company_id = fields.Many2one("res.company", readonly=True, default=lambda self: self.env.company)
    message_id = fields.Many2one("mail.message", "Customer Email", readonly=True, ondelete="set null")
    date_received = fields.Datetime("Received On", required=True, readonly=True)
    date_deadline = fields.Datetime("Reply Deadline", required=True, readonly=True)
    date_escalation = fields.Datetime("Escalation Deadline", required=True, readonly=True)
    state = fields.Selection(
        [("open", "Waiting for Reply"), ("alarmed", "Overdue"), ("escalated", "Escalated"),
         ("replied", "Replied")],
        required=True, default="open", readonly=True)
    date_replied = fields.Datetime("Replied On", readonly=True)
    replied_by_id = fields.Many2one("res.users", readonly=True)
    rule_id = fields.Many2one("crm.reply.rule", "Matched Rule", readonly=True, ondelete="set null")
    template_id = fields.Many2one("mail.template", "Suggested Reply", readonly=True, ondelete="set null")
    article_id = fields.Many2one("crm.knowledge.article", "Self-Service Article", readonly=True, ondelete="set null",
                                 help="The public article proposed (or sent) to a customer served through "
                                      "automated channels.")
    date_auto_reply = fields.Datetime("Answered Automatically On", readonly=True)
    auto_reply_email = fields.Char("Answered Automatically To", readonly=True)
    # Averaged over clocks whose deadline is known to be met or missed: the share answered in time.
    answered_in_time = fields.Integer(
        "Answered in Time", compute="_compute_answered_in_time", store=True, aggregator="avg",
        help="1 when the reply was sent by its deadline, otherwise 0.")

    def init(self):
        # The cron reads only due clocks: partial indexes keep that cheap however many are open.
        create_index(self.env.cr, "crm_reply_clock_open_deadline_idx", self._table,
                     ["date_deadline"], where="state = 'open'")
        create_index(self.env.cr, "crm_reply_clock_alarmed_escalation_idx", self._table,
                     ["date_escalation"], where="state = 'alarmed'")
        create_index(self.env.cr, "crm_reply_clock_waiting_document_idx", self._table,
                     ["res_model", "res_id"], where="state IN ('open', 'alarmed', 'escalated')")
        # the limits on automatic answers read the recent ones per document and per sender
        create_index(self.env.cr, "crm_reply_clock_auto_reply_document_idx", self._table,
                     ["res_model", "res_id", "date_auto_reply"], where="date_auto_reply IS NOT NULL")
        create_index(self.env.cr, "crm_reply_clock_auto_reply_sender_idx", self._table,
                     ["auto_reply_email", "date_auto_reply"], where="date_auto_reply IS NOT NULL")

    @api.depends("date_replied", "date_deadline")
    def _compute_answered_in_time(self):
        for clock in self:
            clock.answered_in_time = int(bool(clock.date_replied) and clock.date_replied <= clock.date_deadline)

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------
    @api.model
    def _settings(self):
        get = self.env["ir.config_parameter"].sudo().get_param
        limit = float(get("crm_unified_view.reply_limit_hours") or DEFAULT_LIMIT_HOURS)
        escalation = float(get("crm_unified_view.reply_escalation_hours") or DEFAULT_ESCALATION_HOURS)
        return {
            "limit": limit,
            "escalation": max(escalation, limit),
            "working_hours": bool(get("crm_unified_view.reply_working_hours")),
            "auto_sender_limit": int(get("crm_unified_view.reply_auto_sender_limit") or DEFAULT_AUTO_REPLIES_PER_SENDER),
        }

    @api.model
    def _deadlines(self, received, company, tier=False):
        """Reply and escalation deadlines of an email received at ``received`` (naive UTC) by ``company``
        from a customer of value tier ``tier`` (the company's limits of that tier, else the general ones):
        plain hours, or working hours of its customer-service calendar (else its working hours)."""
        settings = self._settings()
        limit, escalation = company._reply_tier_limits(tier) or (settings["limit"], settings["escalation"])
        calendar = (company.reply_calendar_id or company.resource_calendar_id).sudo() \
            if settings["working_hours"] else None
        return (self._plan_hours(calendar, received, limit, company),
                self._plan_hours(calendar, received, escalation, company))

    @api.model
    def _plan_hours(self, calendar, start, hours, company):
        if not calendar:
            return start + timedelta(hours=hours)
        if not calendar.attendance_ids:
            _logger.warning("The calendar %s has no working time: reply deadlines count plain hours.", calendar.name)
            return start + timedelta(hours=hours)
        # leaves of this calendar, and the company's public holidays (Time Off: no calendar) but not
        # those of other companies, which resource.calendar counts when no resource is given
        domain = [("time_type", "=", "leave"), "|", ("calendar_id", "=", calendar.id), ("company_id", "=", company.id)]
        # False when no working time is left within the next 1,400 days
        return calendar.plan_hours(hours, start, compute_leaves=True, domain=domain) or start + timedelta(hours=hours)

    # ------------------------------------------------------------------
    # Start and stop
    # ------------------------------------------------------------------
    @api.model
    def _waiting(self, record):
        return self.sudo().search([
            ("res_model", "=", record._name), ("res_id", "=", record.id), ("state", "in", OPEN_STATES)])

    @api.model
    def _start(self, record, message, partner, user, company):
        """Start the clock for a customer email on ``record``, unless one is already running."""
        clock = self._waiting(record)
        if clock:
            return clock
        received = message.date or fields.Datetime.now()
        # value tiers are per company: the one the document's company gave the customer
        tier = partner.commercial_partner_id.with_company(company).sudo().value_tier if partner else False
        deadline, escalation = self._deadlines(received, company, tier)
        return self.sudo().create({
            "res_model": record._name, "res_id": record.id, "record_name": record.display_name,
            "partner_id": partner.id, "user_id": user.id, "message_id": message.id, "value_tier": tier,
            "company_id": company.id, "date_received": received,
            "date_deadline": deadline, "date_escalation": escalation,
        })

    def _reserve_auto_reply(self, email_from):
        """Record an automatic answer to ``email_from`` on this clock, unless its document had one
        in the last 24 hours or the sender had as many as the settings allow (mail loops)."""
        self.ensure_one()
        sender = email_normalize(email_from)
        if not sender:
            return False
        now = fields.Datetime.now()
        since = now - timedelta(days=1)
        Clock = self.sudo()
        if Clock.search_count([("res_model", "=", self.res_model), ("res_id", "=", self.res_id),
                               ("date_auto_reply", ">=", since)], limit=1):
            return False
        if Clock.search_count([("auto_reply_email", "=", sender), ("date_auto_reply", ">=", since)]) \
                >= self._settings()["auto_sender_limit"]:
            return False
        self.sudo().write({"date_auto_reply": now, "auto_reply_email": sender})
        return True

    @api.model
    def _stop(self, record, user):
        clocks = self._waiting(record)
        if clocks:
            clocks.write({"state": "replied", "date_replied": fields.Datetime.now(), "replied_by_id": user.id})
        return clocks

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------
    @api.model
    def _due_ids(self, state, column, limit):
        self.env.flush_all()
        self.env.cr.execute(SQL(
            "SELECT id FROM crm_reply_clock WHERE state = %s AND %s <= %s ORDER BY %s LIMIT %s",
            state, SQL.identifier(column), fields.Datetime.now(), SQL.identifier(column), limit))
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _cron_check_deadlines(self, batch_size=500):
        """Raise the alarm on clocks past their deadline, escalate those past the second one."""
        alarms = self.sudo().browse(self._due_ids("open", "date_deadline", batch_size))
        alarms._raise_alarm()
        escalations = self.sudo().browse(self._due_ids("alarmed", "date_escalation", batch_size))
        escalations._escalate()
        done = len(alarms) + len(escalations)
        remaining = int(len(alarms) == batch_size or len(escalations) == batch_size)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

    def _document(self):
        self.ensure_one()
        if self.res_model not in self.env:
            return None
        return self.env[self.res_model].sudo().browse(self.res_id).exists()

    def _raise_alarm(self):
        for clock in self:
            clock.state = "alarmed"
            record = clock._document()
            if record and not clock.user_id:
                # nobody was responsible when the email came: whoever is now, else the company's default
                clock.user_id = record._reply_clock_responsible() or clock.company_id.service_user_id
            if record:
                clock._warn(record, clock.user_id, self.env._(
                    "No reply to the customer's email of %(date)s on %(document)s: the reply is overdue.",
                    date=clock._local_date(clock.date_received, clock.user_id), document=clock.record_name))

    def _escalate(self):
        for clock in self:
            clock.state = "escalated"
            record = clock._document()
            manager = clock._manager()
            if record:
                clock._warn(record, manager, self.env._(
                    "Escalation: %(user)s has not replied to the customer's email of %(date)s on %(document)s.",
                    user=clock.user_id.name or self.env._("nobody"),
                    date=clock._local_date(clock.date_received, manager), document=clock.record_name))

    def _manager(self):
        """The responsible user's manager (Employees), else the leader of the document's team, else the
        company's default service responsible."""
        self.ensure_one()
        employee = self.user_id.sudo().employee_id
        manager = employee.parent_id.user_id or employee.coach_id.user_id
        if not manager:
            record = self._document()
            team = record.team_id if record and "team_id" in record._fields else None
            manager = team.user_id if team else self.env["res.users"]
        manager = manager or self.company_id.service_user_id
        return manager if manager != self.user_id else self.env["res.users"]

    def _local_date(self, value, user):
        return fields.Datetime.context_timestamp(self.with_context(tz=user.tz or "Asia/Shanghai"), value) \
            .strftime("%Y-%m-%d %H:%M")

    def _warn(self, record, user, text):
        """Activity, notification and (with the SMS app) a text message to ``user``; a note when nobody."""
        if not user:
            record.with_context(mail_create_nosubscribe=True).message_post(
                body=text, message_type="comment", subtype_xmlid="mail.mt_note")
            return
        if "activity_ids" in record._fields:
            record.with_context(mail_activity_quick_update=True).activity_schedule(
                "crm_unified_view.mail_activity_type_reply_overdue",
                date_deadline=fields.Date.context_today(self), summary=self.env._("Reply to the customer"),
                note=text, user_id=user.id)
        record.message_notify(
            partner_ids=user.partner_id.ids, body=text, subject=self.env._("Customer reply overdue"),
            record_name=self.record_name)
        mobile = user.partner_id.mobile or user.partner_id.phone
        if mobile and "sms.sms" in self.env:
            self.env["sms.sms"].sudo().create({"number": mobile, "body": text, "partner_id": user.partner_id.id})
