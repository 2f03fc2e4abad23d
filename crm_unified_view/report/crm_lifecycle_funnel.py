"""The lifecycle funnel: one row per stage a customer entered (its lifecycle history), with the
conversion rate and the median time in stage computed over whatever rows a group holds."""
from odoo import fields, models
from odoo.tools import SQL

from ..analytics.pipeline import LIFECYCLE_STAGES

# Memory for the sorts of the medians: a million customers' history sorts on disk many times
# over with PostgreSQL's default of 4 MB.
FUNNEL_WORK_MEM = "256MB"

def _rank(column):
    """The place of a stage in the funnel: moving to a later one is a conversion."""
    return SQL("(CASE %s %s END)", SQL.identifier("h", column), SQL(" ").join(
        SQL("WHEN %s THEN %s", code, rank) for rank, (code, _label) in enumerate(LIFECYCLE_STAGES)))


class CrmLifecycleFunnel(models.Model):
    _name = "crm.lifecycle.funnel"
    _description = "Lifecycle Funnel"
    _auto = False
    _order = "date_from desc, id desc"
    _rec_name = "stage"
    _depends = {
        "crm.lifecycle.history": ["partner_id", "company_id", "stage", "next_stage", "date_from", "date_to",
                                  "user_id"],
    }

    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True,
                              help="The customer's salesperson when the stage began.")
    stage = fields.Selection(LIFECYCLE_STAGES, readonly=True)
    next_stage = fields.Selection(LIFECYCLE_STAGES, readonly=True)
    date_from = fields.Date("Entered On", readonly=True)
    date_to = fields.Date("Left On", readonly=True)
    entered = fields.Integer("Customers Entered", readonly=True, help="Customers who entered the stage.")
    current = fields.Integer("Customers Now", readonly=True, help="Customers still in the stage.")
    converted = fields.Integer(
        readonly=True, help="Customers who moved on from the stage to a later one of the funnel.")
    conversion_rate = fields.Float(
        "Conversion Rate (%)", readonly=True, aggregator="avg",
        help="Share of the customers who entered the stage and moved on to a later one.")
    days_in_stage = fields.Integer(readonly=True, aggregator="avg",
                                   help="Days from entering the stage to leaving it (empty while in it).")
    median_days = fields.Float(
        "Median Days in Stage", readonly=True, aggregator="avg",
        help="Median of the days in the stage of the customers who left it.")

    @property
    def _table_query(self):
        return SQL("""
            SELECT h.id, h.partner_id, h.company_id, h.user_id, h.stage, h.next_stage, h.date_from, h.date_to,
                   1 AS entered, (h.date_to IS NULL)::int AS current,
                   COALESCE(%(next)s > %(this)s, FALSE)::int AS converted,
                   CASE WHEN %(next)s > %(this)s THEN 100.0 ELSE 0.0 END AS conversion_rate,
                   h.date_to - h.date_from AS days_in_stage,
                   (h.date_to - h.date_from)::float8 AS median_days
              FROM crm_lifecycle_history h
        """, next=_rank("next_stage"), this=_rank("stage"))

    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        self.env.cr.execute(SQL("SELECT set_config('work_mem', %s, true)", FUNNEL_WORK_MEM))
        return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)

    def _read_group_select(self, aggregate_spec, query):
        # Figures of a group from its rows, whatever the grouping: a rate and a median do not add up.
        fname = aggregate_spec.split(":")[0]
        if fname == "conversion_rate":
            return SQL("100.0 * SUM(%s) / NULLIF(COUNT(*), 0)", self._field_to_sql(self._table, "converted", query))
        if fname == "median_days":
            return SQL("percentile_cont(0.5) WITHIN GROUP (ORDER BY %s)",
                       self._field_to_sql(self._table, "median_days", query))
        return super()._read_group_select(aggregate_spec, query)
