"""Satisfaction surveys beyond complaints: after a purchase and periodically, sent every day
to the customers due, within each company's throttle and the customers' consent."""
import logging
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .sql_expressions import counted_order
from .survey_user_input import SATISFACTION_WINDOW_DAYS

_logger = logging.getLogger(__name__)

# A post-purchase survey is still sent this many days after it fell due (missed nights, throttle).
POST_PURCHASE_GRACE_DAYS = 7
# Active customer, for the periodic survey: a confirmed order in this many last months.
ACTIVE_CUSTOMER_MONTHS = 12
# Invitations sent per call of the daily action: it commits and calls again while some remain.
SEND_BATCH = 500
# Consents whose withdrawal means the customer refused satisfaction surveys.
REFUSING_PURPOSES = ("survey", "marketing")


class SurveySurvey(models.Model):
    _inherit = "survey.survey"

    @api.model
    def _cron_send_satisfaction_surveys(self, today=None, limit=SEND_BATCH):
        """Send each company's due post-purchase and periodic surveys, ``limit`` at most (the
        cron runner commits and calls again while some remain); refresh the rolling satisfaction
        of customers whose answers left its window. Rerunning on the same day sends nothing
        twice: whoever got one is throttled, and an order is surveyed once."""
        today = today or fields.Date.context_today(self)
        sent, remaining = self.env["survey.user_input"], 0
        for company in self.env["res.company"].sudo().search([]):
            company_sent, company_remaining = self._send_satisfaction_surveys(company, today, limit - len(sent))
            sent |= company_sent
            remaining += company_remaining
        self._refresh_rolling_satisfaction(today)
        self.env["ir.cron"]._notify_progress(done=len(sent), remaining=remaining)
        return sent

    @api.model
    def _send_satisfaction_surveys(self, company, today, limit):
        """Send ``company``'s due surveys, ``limit`` at most: (answers, how many remain due)."""
        # an archived survey takes no answers: the company sends none until another is chosen
        post_survey = company.satisfaction_post_purchase_survey_id.filtered("active")
        periodic_survey = company.satisfaction_periodic_survey_id.filtered("active")
        if not post_survey and not periodic_survey:
            return self.env["survey.user_input"], 0
        post_due = self._post_purchase_due(company, today) if post_survey else []
        periodic_due = self._periodic_due(company, today) if periodic_survey else []
        excluded = self._satisfaction_excluded_partners(
            company, today, {pid for row in post_due for pid in row[1:3]} | {row[0] for row in periodic_due})
        due = []  # (recipient id, customer id, trigger, order id, salesperson id, survey)
        for order_id, recipient_id, customer_id, user_id in post_due:
            if customer_id not in excluded and recipient_id not in excluded:
                due.append((recipient_id, customer_id, "post_purchase", order_id, user_id, post_survey))
                excluded.add(customer_id)
        for customer_id, user_id in periodic_due:
            if customer_id not in excluded:
                due.append((customer_id, customer_id, "periodic", False, user_id, periodic_survey))
                excluded.add(customer_id)
        limit = max(limit, 0)
        return self._invite_customers(company, due[:limit]), len(due[limit:])

    # --- who is due: one query per kind ---------------------------------------------------------
    @api.model
    def _post_purchase_due(self, company, today):
        """Confirmed orders of ``company`` delivered or invoiced N days ago (within the grace
        days), not yet surveyed: (order, ordering contact, customer, salesperson), the latest order
        of each customer. Invoiced: the date of the order's first posted customer invoice;
        delivered: the order's effective date (first delivery done), where Inventory provides it."""
        days = company.satisfaction_post_purchase_days
        Order = self.env["sale.order"]
        Order.flush_model()
        self.env["account.move"].flush_model(["state", "move_type", "invoice_date", "company_id"])
        self.env["account.move.line"].flush_model(["move_id", "sale_line_ids"])
        self.env["survey.user_input"].flush_model(["sale_order_id", "satisfaction_trigger"])
        # Orders invoiced or delivered in the window (read through the invoice date's index),
        # then the first of all their invoices and deliveries, which must be in the window too.
        window = SQL("BETWEEN %s AND %s", today - timedelta(days=days + POST_PURCHASE_GRACE_DAYS),
                     today - timedelta(days=days))
        def invoiced(select, condition):
            return SQL("""
                SELECT %s FROM account_move am
                  JOIN account_move_line aml ON aml.move_id = am.id
                  JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = aml.id
                  JOIN sale_order_line sol ON sol.id = rel.order_line_id
                 WHERE am.state = 'posted' AND am.move_type = 'out_invoice' AND am.company_id = %s AND %s""",
                select, company.id, condition)

        candidates = invoiced(SQL("DISTINCT sol.order_id"), SQL("am.invoice_date %s", window))
        first_date = SQL("(%s)", invoiced(SQL("MIN(am.invoice_date)"), SQL("sol.order_id = c.order_id")))
        field = Order._fields.get("effective_date")
        if field is not None and field.store:
            candidates = SQL("%s UNION SELECT id FROM sale_order WHERE company_id = %s AND effective_date::date %s",
                             candidates, company.id, window)
            first_date = SQL("LEAST(%s, so.effective_date::date)", first_date)
        self.env.cr.execute(SQL("""
            WITH firsts AS (
                SELECT c.order_id, %(first_date)s AS ref_date
                  FROM (%(candidates)s) c (order_id) JOIN sale_order so ON so.id = c.order_id
            )
            SELECT DISTINCT ON (p.commercial_partner_id) so.id, so.partner_id, p.commercial_partner_id, so.user_id
              FROM firsts f
              JOIN sale_order so ON so.id = f.order_id
              JOIN res_partner p ON p.id = so.partner_id
             WHERE %(counted)s
               AND NOT EXISTS (SELECT 1 FROM survey_user_input ui
                                WHERE ui.sale_order_id = so.id AND ui.satisfaction_trigger = 'post_purchase')
               AND f.ref_date %(window)s
          ORDER BY p.commercial_partner_id, f.ref_date DESC, so.id DESC""",
            first_date=first_date, candidates=candidates, window=window, counted=counted_order(company.id)))
        return self.env.cr.fetchall()

    @api.model
    def _periodic_due(self, company, today):
        """Active customers of ``company`` (a confirmed order in the last ACTIVE_CUSTOMER_MONTHS
        months) that it has sent no periodic nor post-purchase survey for N months:
        (customer, its salesperson). With a post-purchase survey set, customers with an order of
        the last post-purchase days (and grace days) wait for that survey instead."""
        self.env["sale.order"].flush_model(["state", "company_id", "partner_id", "date_order"])
        self.env["survey.user_input"].flush_model(
            ["satisfaction_trigger", "satisfaction_company_id", "customer_id", "create_date"])
        awaiting = today + timedelta(days=1)  # none
        if company.satisfaction_post_purchase_survey_id:
            awaiting = today - timedelta(days=company.satisfaction_post_purchase_days + POST_PURCHASE_GRACE_DAYS)
        self.env.cr.execute(SQL("""
            SELECT c.id, c.user_id
              FROM (SELECT p.commercial_partner_id AS id FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
                     WHERE %(counted)s AND so.date_order >= %(active_since)s
                  GROUP BY p.commercial_partner_id HAVING MAX(so.date_order) < %(awaiting)s) active
              JOIN res_partner c ON c.id = active.id
             WHERE NOT EXISTS (SELECT 1 FROM survey_user_input ui
                                WHERE ui.customer_id = c.id AND ui.satisfaction_trigger IN ('periodic', 'post_purchase')
                                  AND ui.satisfaction_company_id = %(company)s AND ui.create_date >= %(last_since)s)
          ORDER BY c.id""",
            counted=counted_order(company.id), company=company.id, awaiting=awaiting,
            active_since=today - relativedelta(months=ACTIVE_CUSTOMER_MONTHS),
            last_since=today - relativedelta(months=company.satisfaction_periodic_months)))
        return self.env.cr.fetchall()

    @api.model
    def _satisfaction_excluded_partners(self, company, today, partner_ids):
        """Those of ``partner_ids`` not to survey today: customers that got a satisfaction survey
        (complaint surveys included, from any company) in the company's throttle days; partners
        that withdrew their consent to surveys or marketing (a contact's withdrawal covers its
        company) and gave none again since; partners without a usable email address (none,
        blacklisted) or archived."""
        if not partner_ids:
            return set()
        self.env["survey.user_input"].flush_model(["satisfaction_trigger", "customer_id", "create_date"])
        self.env["crm.customer.consent"].flush_model(
            ["partner_id", "purpose", "state", "date_given", "date_withdrawn"])
        self.env["res.partner"].flush_model(["email_normalized", "active", "commercial_partner_id"])
        self.env.cr.execute(SQL("""
            SELECT customer_id FROM survey_user_input
             WHERE satisfaction_trigger IS NOT NULL AND create_date >= %(throttle_since)s AND customer_id = ANY(%(ids)s)
            UNION
            SELECT unnest(ARRAY[p.id, p.commercial_partner_id])
              FROM crm_customer_consent w JOIN res_partner p ON p.id = w.partner_id
             WHERE w.state = 'withdrawn' AND w.purpose IN %(purposes)s
               AND (p.id = ANY(%(ids)s) OR p.commercial_partner_id = ANY(%(ids)s))
               AND NOT EXISTS (SELECT 1 FROM crm_customer_consent g
                                WHERE g.partner_id = w.partner_id AND g.purpose = w.purpose AND g.state = 'given'
                                  AND (g.date_given, g.id) > (w.date_withdrawn, w.id))
            UNION
            SELECT p.id FROM res_partner p
             WHERE p.id = ANY(%(ids)s)
               AND (p.active IS NOT TRUE OR p.email_normalized IS NULL
                    OR EXISTS (SELECT 1 FROM mail_blacklist b WHERE b.email = p.email_normalized AND b.active))""",
            throttle_since=fields.Datetime.to_datetime(today) - timedelta(days=company.satisfaction_throttle_days - 1),
            purposes=REFUSING_PURPOSES, ids=list(partner_ids)))
        return {row[0] for row in self.env.cr.fetchall()}

    # --- sending --------------------------------------------------------------------------------
    @api.model
    def _invite_customers(self, company, due):
        """One survey answer per due customer, through the survey's own token invitation; the
        invitation is emailed to the recipient and logged on the customer's chatter."""
        template = self.env.ref("crm_unified_view.mail_template_satisfaction_survey")
        Partner = self.env["res.partner"].sudo()
        answers = self.env["survey.user_input"]
        for recipient_id, customer_id, trigger, order_id, user_id, survey in due:
            recipient, customer = Partner.browse(recipient_id), Partner.browse(customer_id)
            answer = survey.sudo()._create_answer(
                partner=recipient, check_attempts=False, satisfaction_trigger=trigger, customer_id=customer_id,
                satisfaction_company_id=company.id, sale_order_id=order_id, salesperson_id=user_id)
            customer.with_context(survey_answer_url=answer.get_start_url()).with_company(company) \
                .message_post_with_source(template, message_type="comment", subtype_xmlid="mail.mt_comment",
                                          partner_ids=recipient.ids)
            answers |= answer
        if answers:
            _logger.info("Satisfaction surveys of %s: %d sent", company.name, len(answers))
        return answers

    @api.model
    def _refresh_rolling_satisfaction(self, today):
        """The customers one of whose answers left the satisfaction window since the grace days."""
        edge = fields.Datetime.to_datetime(today) - timedelta(days=SATISFACTION_WINDOW_DAYS)
        UserInput = self.env["survey.user_input"].sudo()
        answers = UserInput.search([
            ("state", "=", "done"), ("satisfaction_trigger", "!=", False),
            ("end_datetime", "<", edge), ("end_datetime", ">=", edge - timedelta(days=POST_PURCHASE_GRACE_DAYS))])
        UserInput._cuv_update_partners(answers.customer_id, today)
