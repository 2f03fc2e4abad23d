"""Who read, searched, exported or changed which customer's private information, and when.

Append-only: entries are written in SQL by the private information model, never changed or
deleted through the ORM, and keep the names of the user and the customer when those go.
"""
from psycopg2.errors import ReadOnlySqlTransaction

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

OPERATIONS = [
    ("read", "Read"),
    ("search", "Search"),
    ("export", "Export"),
    ("create", "Create"),
    ("write", "Change"),
    ("unlink", "Delete"),
]
# Looking again within the hour adds nothing to the trail: one entry per user, customer,
# category and operation per hour, so that reloading a form does not flood the log.
HOURLY_OPERATIONS = ("read", "search")


class CrmPrivateAccessLog(models.Model):
    _name = "crm.private.access.log"
    _description = "Private Information Access Log"
    _order = "create_date desc, id desc"
    _log_access = True

    user_id = fields.Many2one("res.users", readonly=True, index=True, ondelete="set null")
    # Snapshots taken when the entry is written: they name the user and the customer after
    # these are deleted (entries are written in SQL by _log, the computes serve other inserts).
    user_name = fields.Char(compute="_compute_user_snapshot", store=True, precompute=True,
                            readonly=True, help="The user's name when the entry was written.")
    user_login = fields.Char(compute="_compute_user_snapshot", store=True, precompute=True, readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True, index=True, ondelete="set null")
    partner_name = fields.Char("Customer Name", compute="_compute_partner_snapshot", store=True, precompute=True,
                               readonly=True, help="The customer's name when the entry was written.")
    company_id = fields.Many2one("res.company", compute="_compute_partner_snapshot", store=True, precompute=True,
                                 readonly=True, index=True, ondelete="set null")
    category_id = fields.Many2one("crm.private.category", required=True, readonly=True, ondelete="restrict")
    operation = fields.Selection(OPERATIONS, required=True, readonly=True)

    @api.depends("user_id")
    def _compute_user_snapshot(self):
        for entry in self:
            entry.user_name = entry.user_id.name
            entry.user_login = entry.user_id.login

    @api.depends("partner_id")
    def _compute_partner_snapshot(self):
        for entry in self:
            entry.partner_name = entry.partner_id.complete_name
            entry.company_id = entry.partner_id.company_id

    def write(self, vals):
        if self:
            self.check_access("write")
            raise UserError(self.env._("The access log of private information cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("The access log of private information cannot be deleted."))

    @api.model
    def _log(self, operation, rows):
        """Record ``operation`` by the current user on the (partner id, category id) pairs that
        the SQL query ``rows`` returns, in one statement."""
        if self.env.uid == SUPERUSER_ID:
            return
        new_entries = SQL("""
            SELECT DISTINCT u.id, up.name, u.login, p.id, p.complete_name, p.company_id, r.category_id, %(op)s,
                   u.id, u.id, now() at time zone 'UTC', now() at time zone 'UTC'
              FROM (%(rows)s) AS r(partner_id, category_id)
              JOIN res_partner p ON p.id = r.partner_id
              JOIN res_users u ON u.id = %(uid)s
              JOIN res_partner up ON up.id = u.partner_id
             WHERE %(op)s NOT IN %(hourly)s OR NOT EXISTS (
                   SELECT 1 FROM crm_private_access_log l
                    WHERE l.user_id = u.id AND l.partner_id = r.partner_id AND l.category_id = r.category_id
                      AND l.operation = %(op)s AND l.create_date > now() at time zone 'UTC' - interval '1 hour')
        """, uid=self.env.uid, op=operation, rows=rows, hourly=HOURLY_OPERATIONS)
        self.env["res.partner"].flush_model(["complete_name", "company_id"])
        if self.env.cr.readonly:
            # Reads may run in a read-only transaction: ask the web server to replay the request
            # with a read/write one, and only when there is something to log.
            if self.env.execute_query(SQL("SELECT EXISTS(%s)", new_entries))[0][0]:
                raise ReadOnlySqlTransaction("Logging access to private customer information")
            return
        self.env.execute_query(SQL("""
            INSERT INTO crm_private_access_log
                   (user_id, user_name, user_login, partner_id, partner_name, company_id, category_id, operation,
                    create_uid, write_uid, create_date, write_date)
            %s""", new_entries))
