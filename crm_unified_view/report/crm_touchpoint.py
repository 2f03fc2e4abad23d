"""Every interaction with a customer and its contacts, one row per touch: emails in and out,
done activities, meetings, complaints, orders, invoices, survey answers and help-page votes."""
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, Query

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
# Row ids stay below 2**53 for the web client and tell the record behind the row: messages are
# odd (message id, then the customer's id modulo 2**20: a message to two customers makes two
# rows, distinct unless their ids differ by a multiple of 2**20), the others even (record id
# and kind).
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
    partner_id = fields.Many2one("res.partner", "Contact Person", readonly=True)
    user_id = fields.Many2one("res.users", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    res_model = fields.Char("Document Model", readonly=True)
    res_id = fields.Many2oneReference("Document ID", model_field="res_model", readonly=True)
    record_name = fields.Char("Document", readonly=True)
    record_ref = fields.Reference(selection="_selection_record_ref", string="Record", readonly=True)

    @api.model
    def _selection_record_ref(self):
        return [(model, self.env["ir.model"]._get(model).name or model)
                for model in MESSAGE_MODELS + ["survey.user_input", "crm.knowledge.article"] if model in self.env]

    def action_open_record(self):
        """The document of the touch, with the user's rights on it."""
        self.ensure_one()
        if not self.res_model or self.res_model not in self.env:
            return False
        record = self.env[self.res_model].browse(self.res_id)
        record.check_access("read")
        return {"type": "ir.actions.act_window", "res_model": record._name, "res_id": record.id,
                "views": [(False, "form")], "target": "current"}

    # -------------------------------------------------------------------------
    # The rows the user may see
    # -------------------------------------------------------------------------
    @property
    def _table_query(self):
        return self._touch_query()

    def _as_query(self, ordered=True):
        # Reading rows by id: each kind reads only the records behind those ids, by their index,
        # instead of computing every row's id.
        table = SQL().join([SQL("(%s)", self._touch_query(self._sources())),
                            *(SQL(to_flush=field) for field in self._table_sql.to_flush)])
        query = Query(self.env, self._table, table)
        query.set_result_ids(self._ids, ordered)
        return query

    def _sources(self):
        """{kind: ids of the records behind the rows of ``self``}."""
        sources = defaultdict(set)
        codes = {code * 2: kind for kind, code in KIND_CODES.items()}
        for touch_id in self._ids:
            if not isinstance(touch_id, int):
                continue
            if touch_id % 2:
                sources["message"].add((touch_id - 1) // 2 // CUSTOMER_BITS)
            elif touch_id % 16 in codes:
                kind = codes[touch_id % 16]
                source = touch_id // 16
                sources[kind].add(source // CUSTOMER_BITS if kind == "meeting" else source)
        return sources

    def _touch_query(self, sources=None):
        """The touches as SQL; with ``sources`` ({kind: record ids}), only the rows of those records."""
        query = SQL(" UNION ALL ").join(self._touch_branches(sources))
        if not self.env.su:
            # Checked once over all rows: conditions with subqueries stay out of each branch's plan.
            query = SQL("SELECT * FROM (%s) touch WHERE %s", query, self._access())
        return query

    def _touch_branches(self, sources=None):
        """The query of each kind of touch (same columns); with ``sources``, see :meth:`_touch_query`."""
        return [branch for group in self._branch_groups(sources) for branch in group]

    def _branch_groups(self, sources=None):
        """:meth:`_touch_branches` in two lists: the kinds made of messages, which alone name a
        message author (whom :meth:`_message_access` checks), and the others."""
        def only(kind, column):
            if sources is None:
                return SQL("TRUE")
            return SQL("%s IN %s", SQL(column), tuple(sources.get(kind, ())) or (None,))

        messages = [*self._email_queries(only("message", "m.id")), *self._activity_queries(only("message", "m.id"))]
        others = [self._meeting_query(only("meeting", "e.id")), *self._record_queries(only)]
        return [branch for branch in messages if branch], [branch for branch in others if branch]

    def _access(self):
        """The rows (alias ``touch``) the user may see: of customers the user may read, and
        messages of documents they may read."""
        return SQL("touch.commercial_partner_id IN %s AND %s", self._readable("res.partner"), self._message_access())

    def _readable(self, model):
        """The ids of ``model`` the user may read (its record rules), as a subquery."""
        return self.env[model].with_context(active_test=False)._search([]).subselect()

    def _may_read(self, model):
        return model in self.env and self.env[model].has_access("read")

    def _message_access(self):
        """Messages of documents the user may read; messages of other documents only if the user
        wrote them: their subject names the document."""
        allowed = [SQL("touch.res_model = %s AND touch.res_id IN %s", model, self._readable(model))
                   for model in MESSAGE_MODELS if self._may_read(model)]
        allowed.append(SQL("touch.message_author_id = %s", self.env.user.partner_id.id))
        return SQL("(touch.message_author_id IS NULL OR %s)", SQL(" OR ").join(allowed))

    def _not_staff(self, alias):
        """The partner ``alias`` is not one of our internal users: their messages and meetings
        among themselves touch no customer."""
        return SQL("NOT EXISTS (SELECT 1 FROM res_users staff WHERE staff.partner_id = %s AND NOT staff.share)",
                   SQL.identifier(alias, "id"))

    def _message_columns(self, channel, direction, customer, partner):
        return SQL("""(m.id::bigint * %(bits)s + mod(%(customer)s, %(bits)s)) * 2 + 1 AS id,
                      m.date, %(channel)s::varchar AS channel, %(direction)s::varchar AS direction,
                      COALESCE(NULLIF(m.subject, ''), m.record_name)::varchar AS name,
                      %(customer)s AS commercial_partner_id, %(partner)s AS partner_id,
                      (SELECT u.id FROM res_users u WHERE u.partner_id = m.author_id AND NOT u.share
                        ORDER BY u.id LIMIT 1) AS user_id,
                      NULL::int AS company_id, m.model::varchar AS res_model, m.res_id,
                      m.record_name::varchar AS record_name,
                      CASE WHEN m.model IS NOT NULL AND m.res_id IS NOT NULL
                           THEN m.model || ',' || m.res_id END::varchar AS record_ref,
                      COALESCE(m.author_id, 0) AS message_author_id""",
                   bits=CUSTOMER_BITS, channel=channel, direction=direction, customer=customer, partner=partner)

    def _email_queries(self, only):
        """Emails and sent messages: inbound when a contact of the customer wrote them, outbound
        when someone else wrote them to a contact or on a contact's record. Notes are left out.
        Each branch starts from the customer's contacts, so that one customer's rows come by index."""
        discussion = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        emails = SQL("(m.message_type IN ('email', 'email_outgoing') OR m.message_type = 'comment' "
                     "AND m.subtype_id = %s) AND %s", discussion, only)
        inbound = SQL("""
            SELECT %s FROM res_partner a JOIN mail_message m ON m.author_id = a.id WHERE %s AND %s
        """, self._message_columns("email", "inbound", SQL("a.commercial_partner_id"), SQL("a.id")), emails,
            self._not_staff("a"))
        # one row per customer, however many of its contacts the message went to or was posted on
        outbound = SQL("""
            SELECT %s
              FROM res_partner r
              JOIN LATERAL (SELECT rel.mail_message_id AS id FROM mail_message_res_partner_rel rel
                             WHERE rel.res_partner_id = r.id
                             UNION ALL
                            SELECT posted.id FROM mail_message posted
                             WHERE posted.model = 'res.partner' AND posted.res_id = r.id) target ON TRUE
              JOIN mail_message m ON m.id = target.id
         LEFT JOIN res_partner a ON a.id = m.author_id
             WHERE %s AND a.commercial_partner_id IS DISTINCT FROM r.commercial_partner_id AND %s
          GROUP BY m.id, r.commercial_partner_id
        """, self._message_columns("email", "outbound", SQL("r.commercial_partner_id"), SQL("MIN(r.id)")), emails,
            self._not_staff("r"))
        return [inbound, outbound]

    def _activity_queries(self, only):
        """Done activities (calls, meetings, to-dos), from the message that records them, on the
        record of a contact of the customer or on one of their documents: by our staff, outbound."""
        channel = SQL("CASE t.category WHEN 'phonecall' THEN 'call' WHEN 'meeting' THEN 'meeting' "
                      "ELSE 'activity' END")
        documents = [SQL("SELECT 'res.partner'::varchar AS model, p.id AS res_id")]
        for model in ("crm.lead", "sale.order", "account.move", "crm.complaint"):
            if model in self.env:
                documents.append(SQL("SELECT %s::varchar, d.id FROM %s d WHERE d.partner_id = p.id",
                                     model, SQL.identifier(self.env[model]._table)))
        return [SQL("""
            SELECT %s
              FROM res_partner p
              JOIN LATERAL (%s) doc ON TRUE
              JOIN mail_message m ON m.model = doc.model AND m.res_id = doc.res_id
              JOIN mail_activity_type t ON t.id = m.mail_activity_type_id
             WHERE m.mail_activity_type_id IS NOT NULL AND %s
        """, self._message_columns(channel, "outbound", SQL("p.commercial_partner_id"), SQL("p.id")),
            SQL(" UNION ALL ").join(documents), only)]

    def _meeting_query(self, only):
        """Calendar events held with a contact of the customer (not an internal user), by their
        organizer: outbound.
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
                   e.name::varchar AS record_name, ('calendar.event,' || e.id)::varchar AS record_ref,
                   NULL::int AS message_author_id
              FROM res_partner p
              JOIN calendar_event_res_partner_rel rel ON rel.res_partner_id = p.id
              JOIN calendar_event e ON e.id = rel.calendar_event_id
             WHERE e.active AND e.start <= NOW() AT TIME ZONE 'UTC' AND %(only)s AND %(access)s
               AND %(not_staff)s
          GROUP BY e.id, p.commercial_partner_id
        """, bits=CUSTOMER_BITS, code=KIND_CODES["meeting"] * 2, only=only, access=access,
            not_staff=self._not_staff("p"))

    def _record_queries(self, only):
        """Complaints, orders, invoices, survey answers and help-page votes: one row per record
        the user may read."""
        lang = self.env.lang or "en_US"
        survey_title = SQL("COALESCE(s.title->>%s, s.title->>'en_US')", lang)
        kinds = [
            # (model, channel, direction, alias, date, summary, document name, partner, user, company,
            #  model of the document, joins, where)
            ("crm.complaint", "complaint", "inbound", "c", SQL("c.date_received"), SQL("c.subject"), SQL("c.name"),
             SQL("c.partner_id"), SQL("c.user_id"), SQL("c.company_id"), None, SQL(),
             SQL("c.partner_id IS NOT NULL")),
            ("sale.order", "order", "inbound", "so", SQL("so.date_order"), SQL("so.name"), SQL("so.name"),
             SQL("so.partner_id"), SQL("so.user_id"), SQL("so.company_id"), None, SQL(),
             SQL("so.state = 'sale'")),
            ("account.move", "invoice", "outbound", "am", SQL("am.invoice_date::timestamp"), SQL("am.name"),
             SQL("am.name"), SQL("am.partner_id"), SQL("am.invoice_user_id"), SQL("am.company_id"), None, SQL(),
             SQL("am.state = 'posted' AND am.move_type IN ('out_invoice', 'out_refund') "
                 "AND am.partner_id IS NOT NULL")),
            ("survey.user_input", "survey", "inbound", "ui", SQL("COALESCE(ui.end_datetime, ui.write_date)"),
             survey_title, survey_title, SQL("ui.partner_id"), SQL("NULL::int"), SQL("NULL::int"), None,
             SQL("JOIN survey_survey s ON s.id = ui.survey_id"),
             SQL("ui.state = 'done' AND ui.partner_id IS NOT NULL")),
            ("crm.knowledge.vote", "vote", "inbound", "v", SQL("v.write_date"),
             SQL("CASE WHEN v.helpful THEN %s ELSE %s END || ': ' || ka.name",
                 self.env._("Helpful"), self.env._("Not helpful")),
             SQL("ka.name"), SQL("vu.partner_id"), SQL("NULL::int"), SQL("ka.company_id"), "crm.knowledge.article",
             SQL("JOIN res_users vu ON vu.id = v.user_id JOIN crm_knowledge_article ka ON ka.id = v.article_id"),
             SQL("TRUE")),
        ]
        queries = []
        for model, channel, direction, alias, date, summary, document, partner, user, company, ref_model, joins, \
                where in kinds:
            if not self._may_read(model) or (ref_model and not self._may_read(ref_model)):
                continue
            record = SQL.identifier(alias, "id") if not ref_model else SQL.identifier("ka", "id")
            ref_model = ref_model or model
            where = SQL("%s AND %s", where, only(channel, "%s.id" % alias))
            records = SQL.identifier(self.env[model]._table)
            if not self.env.su:
                # The records the user may read, as a subquery PostgreSQL merges into the branch:
                # their record rules checked on each row read, not by looking each row up again.
                readable = self.env[model].with_context(active_test=False)._search([])
                records = SQL("(SELECT %s.* FROM %s WHERE %s)", SQL.identifier(readable.table),
                              readable.from_clause, readable.where_clause or SQL("TRUE"))
                if ref_model != model:
                    where = SQL("%s AND %s IN %s", where, record, self._readable(ref_model))
            from_ = SQL("%s %s %s", records, SQL.identifier(alias), joins)
            queries.append(SQL("""
                SELECT %(alias)s.id::bigint * 16 + %(code)s AS id, %(date)s AS date, %(channel)s::varchar AS channel,
                       %(direction)s::varchar AS direction, (%(summary)s)::varchar AS name,
                       p.commercial_partner_id, p.id AS partner_id, %(user)s AS user_id, %(company)s AS company_id,
                       %(ref_model)s::varchar AS res_model, %(record)s AS res_id,
                       (%(document)s)::varchar AS record_name,
                       (%(ref_model)s || ',' || %(record)s)::varchar AS record_ref, NULL::int AS message_author_id
                  FROM res_partner p JOIN %(from_)s ON %(partner)s = p.id
                 WHERE %(where)s
            """, alias=SQL.identifier(alias), code=KIND_CODES[channel] * 2, date=date, channel=channel,
                direction=direction, summary=summary, user=user, company=company, ref_model=ref_model,
                record=record, document=document, from_=from_, partner=partner, where=where))
        return queries

    # -------------------------------------------------------------------------
    # Figures
    # -------------------------------------------------------------------------
    @api.model
    def _figures(self, commercial_ids, days=90):
        """{commercial partner id: {recent, inbound, outbound, last, summary}} over the touches the
        user may read: one query for all customers."""
        self.check_access("read")
        for model, fnames in self._depends.items():
            self.env[model].flush_model(fnames)
        since = fields.Datetime.now() - timedelta(days=days)
        if not self.env.su:
            # the customers the user may read, looked up once rather than in each kind's plan
            commercial_ids = self.env["res.partner"].with_context(active_test=False).search(
                [("id", "in", list(commercial_ids))]).ids
            if not commercial_ids:
                return {}
        where = SQL("touch.commercial_partner_id IN %s", tuple(commercial_ids))
        # Each kind of touch summed apart, from the few columns the sums need: the rows of a
        # customer's thousands of orders are counted, never built as the list shows them. Only
        # the kinds made of messages check who may read each message.
        messages, others = self._branch_groups()
        message_where = where if self.env.su else SQL("%s AND %s", where, self._message_access())
        branches = [(branch, message_where) for branch in messages] + [(branch, where) for branch in others]
        if not self.env.su and self.env["ir.rule"]._compute_domain(self._name, "read"):
            # a record rule on the touches themselves: read them through the search, which applies it
            query = self._search([("commercial_partner_id", "in", list(commercial_ids))])
            branches = [(SQL("SELECT %s.* FROM %s WHERE %s", SQL.identifier(query.table), query.from_clause,
                             query.where_clause), message_where)]
        rows = self.env.execute_query(SQL(" UNION ALL ").join(SQL("""
            SELECT touch.commercial_partner_id, touch.channel, touch.direction,
                   COUNT(*) FILTER (WHERE touch.date >= %s), MAX(touch.date)
              FROM (%s) touch WHERE %s
          GROUP BY 1, 2, 3""", since, branch, condition) for branch, condition in branches))
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
