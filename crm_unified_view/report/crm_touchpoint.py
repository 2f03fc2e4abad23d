"""Every interaction with a customer and its contacts, one row per touch: emails in and out,
done activities, meetings, complaints, orders, invoices, survey answers and help-page votes."""
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

CHANNELS = [
    ("email", "Email"),
    ("call", "Call"),
    ("meeting", "Meeting"),
    ("activity", "Other Activity"),
    ("complaint", "Complaint"),
    ("order", "Sales Order"),
    ("invoice", "Invoice"),
    ("survey", "Survey Answer"),
    ("vote", "Help-Page Vote"),
]
DIRECTIONS = [("inbound", "Inbound"), ("outbound", "Outbound")]
# Rows of messages are odd ids (message id and customer), the others even ids (record id and kind):
# one customer's rows never share an id, and ids stay below 2**53 for the web client.
KIND_CODES = {"meeting": 1, "complaint": 2, "order": 3, "invoice": 4, "survey": 5, "vote": 6}
CUSTOMER_BITS = 2 ** 20
# Documents whose chatter counts as contact with the customer; their messages are shown only
# to users who may read the document.
MESSAGE_MODELS = ["res.partner", "crm.lead", "sale.order", "account.move", "crm.complaint", "calendar.event"]


class CrmTouchpoint(models.Model):
    _name = "crm.touchpoint"
    _description = "Customer Touchpoint"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "name"
    # read straight from the tables: pending writes to them are flushed first
    _depends = {
        "mail.message": ["date", "model", "res_id", "author_id", "message_type", "subtype_id", "subject",
                         "record_name", "partner_ids", "mail_activity_type_id"],
        "calendar.event": ["start", "name", "user_id", "partner_ids", "privacy", "active"],
        "crm.complaint": ["date_received", "partner_id", "subject", "name", "user_id", "company_id"],
        "sale.order": ["date_order", "partner_id", "name", "user_id", "state", "company_id"],
        "account.move": ["invoice_date", "partner_id", "name", "invoice_user_id", "state", "move_type",
                         "company_id"],
        "survey.user_input": ["end_datetime", "partner_id", "state", "survey_id"],
        "crm.knowledge.vote": ["write_date", "user_id", "article_id", "helpful"],
        "res.partner": ["commercial_partner_id"],
        "res.users": ["partner_id", "share"],
    }

    date = fields.Datetime(readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    direction = fields.Selection(DIRECTIONS, readonly=True,
                                 help="Inbound: the customer's side acted; outbound: our staff did.")
    name = fields.Char("Summary", readonly=True)
    commercial_partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    partner_id = fields.Many2one("res.partner", "Contact", readonly=True)
    user_id = fields.Many2one("res.users", "User", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    res_model = fields.Char("Document Model", readonly=True)
    res_id = fields.Many2oneReference("Document ID", model_field="res_model", readonly=True)
    record_ref = fields.Reference(selection="_selection_record_ref", string="Record", readonly=True)

    @api.model
    def _selection_record_ref(self):
        return [(model, self.env["ir.model"]._get(model).name or model)
                for model in MESSAGE_MODELS + ["survey.user_input", "crm.knowledge.article"] if model in self.env]

    # -------------------------------------------------------------------------
    # The rows the user may see
    # -------------------------------------------------------------------------
    @property
    def _table_query(self):
        branches = [branch for branch in (
            self._email_query(), self._activity_query(), self._meeting_query(), self._record_queries(),
        ) if branch]
        query = SQL(" UNION ALL ").join(branches)
        if not self.env.su:
            # only customers the user may read
            query = SQL("SELECT * FROM (%s) touch WHERE touch.commercial_partner_id IN %s",
                        query, self._readable("res.partner"))
        return query

    def _readable(self, model):
        """The ids of ``model`` the user may read (its record rules), as a subquery."""
        return self.env[model].with_context(active_test=False)._search([]).subselect()

    def _may_read(self, model):
        return model in self.env and self.env[model].has_access("read")

    def _message_access(self, alias):
        """Messages of documents the user may read; messages of other documents only if the user
        wrote them: their subject names the document."""
        if self.env.su:
            return SQL("TRUE")
        message = SQL.identifier(alias)
        allowed = [SQL("%s.model = %s AND %s.res_id IN %s", message, model, message, self._readable(model))
                   for model in MESSAGE_MODELS if self._may_read(model)]
        allowed.append(SQL("%s.author_id = %s", message, self.env.user.partner_id.id))
        return SQL("(%s)", SQL(" OR ").join(allowed))

    def _message_columns(self, channel):
        return SQL("""(m.id::bigint * %(bits)s + mod(touch.commercial_partner_id, %(bits)s)) * 2 + 1 AS id,
                      m.date, %(channel)s::varchar AS channel, touch.direction::varchar AS direction,
                      COALESCE(NULLIF(m.subject, ''), m.record_name)::varchar AS name,
                      touch.commercial_partner_id, touch.partner_id,
                      (SELECT u.id FROM res_users u WHERE u.partner_id = m.author_id AND NOT u.share
                        ORDER BY u.id LIMIT 1) AS user_id,
                      NULL::int AS company_id, m.model::varchar AS res_model, m.res_id,
                      CASE WHEN m.model IS NOT NULL AND m.res_id IS NOT NULL
                           THEN m.model || ',' || m.res_id END::varchar AS record_ref""",
                   bits=CUSTOMER_BITS, channel=channel)

    def _email_query(self):
        """Emails and sent messages: inbound when a contact of the customer wrote them, outbound
        when someone else wrote them to a contact or on the contact's record. Notes are left out."""
        discussion = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        return SQL("""
            SELECT %(columns)s
              FROM (SELECT m.id AS message_id, a.commercial_partner_id, m.author_id AS partner_id,
                           'inbound' AS direction
                      FROM mail_message m JOIN res_partner a ON a.id = m.author_id
                     WHERE %(emails)s
                     UNION ALL
                    SELECT m.id, r.commercial_partner_id, MIN(r.id), 'outbound'
                      FROM mail_message m
                      JOIN (SELECT mail_message_id AS message_id, res_partner_id AS partner_id
                              FROM mail_message_res_partner_rel
                             UNION ALL
                            SELECT id, res_id FROM mail_message WHERE model = 'res.partner') target
                        ON target.message_id = m.id
                      JOIN res_partner r ON r.id = target.partner_id
                 LEFT JOIN res_partner a ON a.id = m.author_id
                     WHERE %(emails)s AND a.commercial_partner_id IS DISTINCT FROM r.commercial_partner_id
                  GROUP BY m.id, r.commercial_partner_id) touch
              JOIN mail_message m ON m.id = touch.message_id
             WHERE %(access)s
        """, columns=self._message_columns("email"), access=self._message_access("m"),
            emails=SQL("(m.message_type IN ('email', 'email_outgoing') "
                       "OR m.message_type = 'comment' AND m.subtype_id = %s)", discussion))

    def _activity_query(self):
        """Done activities (calls, meetings, to-dos), from the message that records them, on the
        customer's record or on a document of the customer: by our staff, outbound."""
        documents = [SQL("SELECT 'res.partner' AS model, id, id AS partner_id FROM res_partner")]
        for model in ("crm.lead", "sale.order", "account.move", "crm.complaint"):
            if model in self.env:
                documents.append(SQL("SELECT %s, id, partner_id FROM %s WHERE partner_id IS NOT NULL",
                                     model, SQL.identifier(self.env[model]._table)))
        channel = SQL("CASE t.category WHEN 'phonecall' THEN 'call' WHEN 'meeting' THEN 'meeting' "
                      "ELSE 'activity' END")
        return SQL("""
            SELECT %(columns)s
              FROM (SELECT m.id AS message_id, p.commercial_partner_id, p.id AS partner_id,
                           'outbound' AS direction
                      FROM mail_message m
                      JOIN (%(documents)s) doc ON doc.model = m.model AND doc.id = m.res_id
                      JOIN res_partner p ON p.id = doc.partner_id
                     WHERE m.mail_activity_type_id IS NOT NULL) touch
              JOIN mail_message m ON m.id = touch.message_id
              JOIN mail_activity_type t ON t.id = m.mail_activity_type_id
             WHERE %(access)s
        """, columns=self._message_columns(channel), documents=SQL(" UNION ALL ").join(documents),
            access=self._message_access("m"))

    def _meeting_query(self):
        """Calendar events held with a contact of the customer, by their organizer: outbound.
        Private events only for their organizer and attendees."""
        if not self._may_read("calendar.event"):
            return None
        access = SQL("TRUE")
        if not self.env.su:
            access = SQL("""e.id IN %s AND (e.privacy IS DISTINCT FROM 'private' OR e.user_id = %s
                             OR EXISTS (SELECT 1 FROM calendar_event_res_partner_rel own
                                         WHERE own.calendar_event_id = e.id AND own.res_partner_id = %s))""",
                         self._readable("calendar.event"), self.env.uid, self.env.user.partner_id.id)
        return SQL("""
            SELECT (e.id::bigint * %(bits)s + mod(p.commercial_partner_id, %(bits)s)) * 16 + %(code)s AS id,
                   e.start AS date, 'meeting'::varchar AS channel, 'outbound'::varchar AS direction,
                   e.name::varchar AS name, p.commercial_partner_id, MIN(p.id) AS partner_id,
                   e.user_id, NULL::int AS company_id, 'calendar.event'::varchar AS res_model, e.id AS res_id,
                   ('calendar.event,' || e.id)::varchar AS record_ref
              FROM calendar_event e
              JOIN calendar_event_res_partner_rel rel ON rel.calendar_event_id = e.id
              JOIN res_partner p ON p.id = rel.res_partner_id
             WHERE e.active AND e.start <= NOW() AT TIME ZONE 'UTC' AND %(access)s
               AND NOT EXISTS (SELECT 1 FROM res_users organizer
                                WHERE organizer.id = e.user_id AND organizer.partner_id = p.id)
          GROUP BY e.id, p.commercial_partner_id
        """, bits=CUSTOMER_BITS, code=KIND_CODES["meeting"] * 2, access=access)

    def _record_queries(self):
        """Complaints, orders, invoices, survey answers and help-page votes: one row per record
        the user may read."""
        lang = self.env.lang or "en_US"
        kinds = [
            # (model, channel, direction, alias, date, name, partner, user, company, reference, from, where)
            ("crm.complaint", "complaint", "inbound", "c", SQL("c.date_received"),
             SQL("c.name || ' ' || c.subject"), SQL("c.partner_id"), SQL("c.user_id"), SQL("c.company_id"),
             None, SQL("crm_complaint c"), SQL("c.partner_id IS NOT NULL")),
            ("sale.order", "order", "inbound", "so", SQL("so.date_order"), SQL("so.name"), SQL("so.partner_id"),
             SQL("so.user_id"), SQL("so.company_id"), None, SQL("sale_order so"), SQL("so.state = 'sale'")),
            ("account.move", "invoice", "outbound", "am", SQL("am.invoice_date::timestamp"), SQL("am.name"),
             SQL("am.partner_id"), SQL("am.invoice_user_id"), SQL("am.company_id"), None, SQL("account_move am"),
             SQL("am.state = 'posted' AND am.move_type IN ('out_invoice', 'out_refund') "
                 "AND am.partner_id IS NOT NULL")),
            ("survey.user_input", "survey", "inbound", "ui", SQL("COALESCE(ui.end_datetime, ui.write_date)"),
             SQL("COALESCE(s.title->>%s, s.title->>'en_US')", lang), SQL("ui.partner_id"), SQL("NULL::int"),
             SQL("NULL::int"), None, SQL("survey_user_input ui JOIN survey_survey s ON s.id = ui.survey_id"),
             SQL("ui.state = 'done' AND ui.partner_id IS NOT NULL")),
            ("crm.knowledge.vote", "vote", "inbound", "v", SQL("v.write_date"),
             SQL("COALESCE(ka.name->>%s, ka.name->>'en_US', ka.name::text)", lang)
             if self.env["crm.knowledge.article"]._fields["name"].translate else SQL("ka.name"),
             SQL("vu.partner_id"), SQL("NULL::int"), SQL("ka.company_id"), "crm.knowledge.article",
             SQL("crm_knowledge_vote v JOIN res_users vu ON vu.id = v.user_id "
                 "JOIN crm_knowledge_article ka ON ka.id = v.article_id"),
             SQL("TRUE")),
        ]
        queries = []
        for model, channel, direction, alias, date, name, partner, user, company, ref_model, from_, where \
                in kinds:
            if not self._may_read(model) or (ref_model and not self._may_read(ref_model)):
                continue
            record = SQL.identifier(alias, "id") if not ref_model else SQL.identifier("ka", "id")
            ref_model = ref_model or model
            if not self.env.su:
                where = SQL("%s AND %s IN %s", where, SQL.identifier(alias, "id"), self._readable(model))
                if ref_model != model:
                    where = SQL("%s AND %s IN %s", where, record, self._readable(ref_model))
            queries.append(SQL("""
                SELECT %(alias)s.id::bigint * 16 + %(code)s AS id, %(date)s AS date, %(channel)s::varchar AS channel,
                       %(direction)s::varchar AS direction, (%(name)s)::varchar AS name,
                       p.commercial_partner_id, p.id AS partner_id, %(user)s AS user_id, %(company)s AS company_id,
                       %(ref_model)s::varchar AS res_model, %(record)s AS res_id,
                       (%(ref_model)s || ',' || %(record)s)::varchar AS record_ref
                  FROM %(from_)s JOIN res_partner p ON p.id = %(partner)s
                 WHERE %(where)s
            """, alias=SQL.identifier(alias), code=KIND_CODES[channel] * 2, date=date, channel=channel,
                direction=direction, name=name, user=user, company=company, ref_model=ref_model, record=record,
                from_=from_, partner=partner, where=where))
        return SQL(" UNION ALL ").join(queries) if queries else None

    # -------------------------------------------------------------------------
    # Figures
    # -------------------------------------------------------------------------
    @api.model
    def _figures(self, commercial_ids, days=90):
        """{commercial partner id: {recent, inbound, outbound, last, summary}} over the touches the
        user may read: one query for all customers."""
        since = fields.Datetime.now() - timedelta(days=days)
        query = self._search([("commercial_partner_id", "in", list(commercial_ids))])
        rows = self.env.execute_query(SQL("""
            SELECT %(customer)s, %(channel)s, %(direction)s,
                   COUNT(*) FILTER (WHERE %(date)s >= %(since)s), MAX(%(date)s)
              FROM %(from)s WHERE %(where)s
          GROUP BY 1, 2, 3""", customer=SQL.identifier(query.table, "commercial_partner_id"),
            channel=SQL.identifier(query.table, "channel"), direction=SQL.identifier(query.table, "direction"),
            date=SQL.identifier(query.table, "date"), since=since, **{"from": query.from_clause},
            where=query.where_clause))
        figures = defaultdict(lambda: {"recent": 0, "inbound": 0, "outbound": 0, "last": None, "channels": {}})
        for customer, channel, direction, recent, last in rows:
            figure = figures[customer]
            figure["recent"] += recent
            figure[direction] += recent
            figure["last"] = max(figure["last"] or last, last)
            count, last_of_channel = figure["channels"].get(channel, (0, last))
            figure["channels"][channel] = (count + recent, max(last_of_channel, last))
        labels = dict(self._fields["channel"]._description_selection(self.env))
        for figure in figures.values():
            figure["summary"] = self._summary(figure["channels"], labels, days)
        return figures

    def _summary(self, channels, labels, days):
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td class='text-end'>%s</td><td>%s</td></tr>") % (
                labels[channel], count, fields.Datetime.context_timestamp(self, last).strftime("%Y-%m-%d"))
            for channel, (count, last) in sorted(channels.items(), key=lambda item: item[1][1], reverse=True))
        return Markup("<table class='table table-sm mb-0'><thead><tr><th>%s</th><th class='text-end'>%s</th>"
                      "<th>%s</th></tr></thead><tbody>%s</tbody></table>") % (
            self.env._("Channel"), self.env._("Last %(days)s Days", days=days), self.env._("Last Touch"), rows)

    @api.model
    def _touched_since(self, day):
        """Ids of the customers with a touch the user may read since the start of ``day``."""
        query = self._search([("date", ">=", fields.Datetime.to_datetime(day))])
        return [row[0] for row in self.env.execute_query(SQL(
            "SELECT DISTINCT %s FROM %s WHERE %s", SQL.identifier(query.table, "commercial_partner_id"),
            query.from_clause, query.where_clause))]
