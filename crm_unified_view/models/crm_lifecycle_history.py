"""One dated row per lifecycle stage a customer went through in a company, written by the segmentation runs."""
from odoo import fields, models
from odoo.tools import SQL
from odoo.tools.sql import index_exists

from ..analytics.pipeline import LIFECYCLE_STAGES
from .unkeyed_many2one import UnkeyedMany2one


class CrmLifecycleHistory(models.Model):
    _name = "crm.lifecycle.history"
    _description = "Lifecycle Stage History"
    _order = "date_from desc, id desc"
    _rec_name = "stage"

    partner_id = UnkeyedMany2one("res.partner", "Customer", required=True, readonly=True, index=True,
                                 ondelete="cascade")
    company_id = UnkeyedMany2one("res.company", required=True, readonly=True, index=True, ondelete="cascade")
    stage = fields.Selection(LIFECYCLE_STAGES, required=True, readonly=True)
    next_stage = fields.Selection(LIFECYCLE_STAGES, readonly=True, help="The stage the customer moved on to.")
    date_from = fields.Date("From", required=True, readonly=True, index=True)
    date_to = fields.Date("To", readonly=True, help="Empty while the customer is in the stage.")
    run_id = UnkeyedMany2one("crm.segmentation.run", "Segmentation Run", readonly=True, index="btree_not_null",
                             ondelete="set null", help="The run that found the stage (empty once deleted).")
    user_id = UnkeyedMany2one("res.users", "Salesperson", readonly=True, index=True,
                              help="The customer's salesperson when the stage began.")

    _sql_constraints = [
        ("dates_in_order", "CHECK(date_to IS NULL OR date_to >= date_from)", "A stage cannot end before it begins."),
    ]

    def init(self):
        # The open row of each customer and company, the one a run closes: one at most, so that a
        # run inserts the new ones with ON CONFLICT (the unique index answers) rather than with an
        # anti-join that PostgreSQL may plan as a scan of the very table it is filling.
        if index_exists(self.env.cr, "crm_lifecycle_history_open_unique"):
            return
        # Should a customer have two open rows (the history was kept by the code alone before),
        # the older ones close on the day they began rather than the upgrade failing.
        self.env.cr.execute(SQL("""
            UPDATE crm_lifecycle_history h SET date_to = h.date_from
              FROM (SELECT id, row_number() OVER (PARTITION BY partner_id, company_id
                                                  ORDER BY date_from DESC, id DESC) AS newest
                      FROM crm_lifecycle_history WHERE date_to IS NULL) o
             WHERE h.id = o.id AND o.newest > 1;
            CREATE UNIQUE INDEX crm_lifecycle_history_open_unique
                ON crm_lifecycle_history (partner_id, company_id) WHERE date_to IS NULL;
            DROP INDEX IF EXISTS crm_lifecycle_history_open_index;
        """))

    def _write_run(self, run, partner_ids=None):
        """The stage changes ``run`` found, as of its day, set-based: the open row of a customer
        whose stage changed closes and a row of the new stage opens (a stage opened on the run's
        day by an earlier run of that day is replaced instead). Returns the rows opened. Of the
        customers ``partner_ids`` only, when given: the others' stages are those the history holds.

        The rows name the run that wrote them rather than its user: PostgreSQL checks each foreign
        key row by row, and a first run opens a row for every customer."""
        self.flush_model()
        self.env["crm.segmentation.result"].flush_model(["run_id", "partner_id", "lifecycle_stage"])
        self.env["res.partner"].flush_model(["user_id"])
        params = {"run": run.id, "company": run.company_id.id, "day": run.date_as_of, "user": self.env.uid}
        found = SQL("""
            SELECT r.partner_id, r.lifecycle_stage AS stage, p.user_id
              FROM crm_segmentation_result r JOIN res_partner p ON p.id = r.partner_id
             WHERE r.run_id = %(run)s AND r.lifecycle_stage IS NOT NULL AND %(only)s
        """, only=SQL("TRUE") if partner_ids is None else SQL("r.partner_id = ANY(%s)", list(partner_ids)), **params)
        cr = self.env.cr
        # The history may have grown by a row per customer since PostgreSQL last counted its rows:
        # planned on stale statistics, the joins below go quadratic (measured: stuck for 20 minutes
        # at a million customers). Sampling it takes a fraction of a second.
        cr.execute(SQL("ANALYZE %s", SQL.identifier(self._table)))
        # a second run of the same day: its stage replaces the one the first found that day
        cr.execute(SQL("""
            WITH changed AS (
                UPDATE crm_lifecycle_history h
                   SET stage = f.stage, run_id = %(run)s, user_id = f.user_id, write_date = now() AT TIME ZONE 'UTC',
                       write_uid = %(user)s
                  FROM (%(found)s) f
                 WHERE h.partner_id = f.partner_id AND h.company_id = %(company)s AND h.date_to IS NULL
                   AND h.date_from >= %(day)s AND h.stage <> f.stage
             RETURNING h.partner_id, h.date_from, h.stage)
            UPDATE crm_lifecycle_history h SET next_stage = c.stage
              FROM changed c
             WHERE h.partner_id = c.partner_id AND h.company_id = %(company)s AND h.date_to = c.date_from
        """, found=found, **params))
        cr.execute(SQL("""
            UPDATE crm_lifecycle_history h
               SET date_to = %(day)s, next_stage = f.stage, write_date = now() AT TIME ZONE 'UTC', write_uid = %(user)s
              FROM (%(found)s) f
             WHERE h.partner_id = f.partner_id AND h.company_id = %(company)s AND h.date_to IS NULL
               AND h.date_from < %(day)s AND h.stage <> f.stage
        """, found=found, **params))
        cr.execute(SQL("""
            INSERT INTO crm_lifecycle_history (partner_id, company_id, stage, date_from, run_id, user_id,
                                               create_date, write_date)
            SELECT f.partner_id, %(company)s, f.stage, %(day)s, %(run)s, f.user_id,
                   now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM (%(found)s) f
                ON CONFLICT (partner_id, company_id) WHERE date_to IS NULL DO NOTHING
        """, found=found, **params))
        opened = cr.rowcount
        self.invalidate_model()
        return opened

    def _undo_run(self, runs):
        """The customers of ``runs``, each the latest run of its company being deleted, go back to the
        stages before them: the rows these runs opened, still open, go and the rows they closed reopen.
        Rows of older runs stay: the history outlives the runs (and their retention)."""
        if not runs:
            return
        self.flush_model()
        self.env.cr.execute(SQL("""
            WITH undone AS (
                DELETE FROM crm_lifecycle_history
                 WHERE run_id = ANY(%s) AND date_to IS NULL
             RETURNING partner_id, company_id, date_from, stage)
            UPDATE crm_lifecycle_history h SET date_to = NULL, next_stage = NULL
              FROM undone u
             WHERE h.partner_id = u.partner_id AND h.company_id = u.company_id AND h.date_to = u.date_from
               AND h.next_stage = u.stage
        """, runs.ids))
        self.invalidate_model()
