"""Who read which customer's private information, and when (reviewed by privacy officers)."""
from psycopg2.errors import ReadOnlySqlTransaction

from odoo import api, fields, models
from odoo.tools import SQL


class CrmPrivateAccessLog(models.Model):
    _name = "crm.private.access.log"
    _description = "Private Information Access Log"
    _order = "create_date desc, id desc"
    _log_access = True

    user_id = fields.Many2one("res.users", required=True, readonly=True, index=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", "Customer", required=True, readonly=True, index=True,
                                 ondelete="cascade")
    category_id = fields.Many2one("crm.private.category", required=True, readonly=True,
                                  ondelete="cascade")
    operation = fields.Selection([("read", "Read"), ("write", "Change")], required=True, readonly=True)

    @api.model
    def _log(self, operation, partner_codes):
        """Record ``operation`` by the current user on {partner id: set of category codes}.

        Reads are logged once per user, customer and category per hour, so that reloading a
        form does not flood the log.
        """
        rows = [(partner_id, code) for partner_id, codes in partner_codes.items() for code in codes]
        if not rows or self.env.uid == self.env.ref("base.user_root").id:
            return
        new_entries = SQL("""
            SELECT %(uid)s, v.partner_id, c.id, %(operation)s, %(uid)s, %(uid)s, now() at time zone 'UTC',
                   now() at time zone 'UTC'
              FROM (SELECT unnest(%(partners)s::int[]) AS partner_id, unnest(%(codes)s::varchar[]) AS code) v
              JOIN crm_private_category c ON c.code = v.code
             WHERE %(operation)s = 'write' OR NOT EXISTS (
                   SELECT 1 FROM crm_private_access_log l
                    WHERE l.user_id = %(uid)s AND l.partner_id = v.partner_id AND l.category_id = c.id
                      AND l.operation = 'read' AND l.create_date > now() at time zone 'UTC' - interval '1 hour')
        """, uid=self.env.uid, operation=operation,
             partners=[row[0] for row in rows], codes=[row[1] for row in rows])
        if self.env.cr.readonly:
            # Reads may run in a read-only transaction: ask the web server to replay the request
            # with a read/write one, and only when there is something to log.
            self.env.cr.execute(SQL("SELECT EXISTS(%s)", new_entries))
            if self.env.cr.fetchone()[0]:
                raise ReadOnlySqlTransaction("Logging access to private customer information")
            return
        self.env.cr.execute(SQL("""
            INSERT INTO crm_private_access_log
                   (user_id, partner_id, category_id, operation, create_uid, write_uid, create_date, write_date)
            %s""", new_entries))
