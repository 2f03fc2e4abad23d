"""The lifecycle funnel, read from the lifecycle history: customers who entered each stage, per
company, salesperson (when the stage began), month entered and days spent in the stage; the
conversion rate and the median time in stage are computed over whatever rows a group holds."""
from odoo import fields, models
from odoo.tools import SQL

from ..analytics.pipeline import LIFECYCLE_STAGES

# The median of values given with their counts (a histogram), as percentile_cont(0.5) of the
# values repeated that many times: the history rows are summed up by days in stage first, so a
# million customers' median sorts a few thousand rows, not millions.
MEDIAN_FUNCTION = """
    CREATE OR REPLACE FUNCTION crm_lifecycle_median(vals float8[], weights bigint[]) RETURNS float8
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        WITH d AS (SELECT v, SUM(w) OVER (ORDER BY v ROWS UNBOUNDED PRECEDING) AS cum
                     FROM unnest(vals, weights) AS u(v, w) WHERE v IS NOT NULL AND w > 0),
             p AS (SELECT (MAX(cum) - 1) * 0.5 AS pos FROM d HAVING MAX(cum) > 0)
        SELECT lo + (p.pos - floor(p.pos)) * (hi - lo)
          FROM p, LATERAL (SELECT MIN(v) AS lo FROM d WHERE cum > floor(p.pos)) a,
                  LATERAL (SELECT MIN(v) AS hi FROM d WHERE cum > ceil(p.pos)) b
    $$
"""

# Memory for summing up the history by group: a million customers' rows spill to disk many times
# over with PostgreSQL's default of 4 MB.
FUNNEL_WORK_MEM = "256MB"


def _rank(column):
    """The place of a stage (an SQL expression) in the funnel: moving to a later one is a conversion."""
    return SQL("(CASE %s %s END)", column, SQL(" ").join(
        SQL("WHEN %s THEN %s", code, rank) for rank, (code, _label) in enumerate(LIFECYCLE_STAGES)))


class CrmLifecycleFunnel(models.Model):
    _name = "crm.lifecycle.funnel"
    _description = "Lifecycle Funnel"
    _auto = False
    _order = "month desc, stage"
    _rec_name = "stage"
    _depends = {
        "crm.lifecycle.history": ["company_id", "stage", "next_stage", "date_from", "date_to", "user_id"],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True,
                              help="The customer's salesperson when the stage began.")
    stage = fields.Selection(LIFECYCLE_STAGES, readonly=True)
    month = fields.Date("Month Entered", readonly=True)
    days_in_stage = fields.Integer(readonly=True, aggregator="avg",
                                   help="Days from entering the stage to leaving it (empty while in it).")
    entered = fields.Integer("Customers Entered", readonly=True, help="Customers who entered the stage.")
    current = fields.Integer("Customers Now", readonly=True, help="Customers still in the stage.")
    converted = fields.Integer(
        readonly=True, help="Customers who moved on from the stage to a later one of the funnel.")
    conversion_rate = fields.Float(
        "Conversion Rate (%)", readonly=True, aggregator="avg",
        help="Share of the customers who entered the stage and moved on to a later one.")
    median_days = fields.Float(
        "Median Days in Stage", readonly=True, aggregator="avg",
        help="Median of the days in the stage of the customers who left it.")

    def init(self):
        self.env.cr.execute(MEDIAN_FUNCTION)

    @property
    def _table_query(self):
        return SQL("""
            SELECT MIN(h.id) AS id, h.company_id, h.user_id, h.stage,
                   date_trunc('month', h.date_from)::date AS month, h.date_to - h.date_from AS days_in_stage,
                   COUNT(*) AS entered, COUNT(*) FILTER (WHERE h.date_to IS NULL) AS current,
                   COUNT(*) FILTER (WHERE %(next)s > %(this)s) AS converted,
                   100.0 * COUNT(*) FILTER (WHERE %(next)s > %(this)s) / COUNT(*) AS conversion_rate,
                   (h.date_to - h.date_from)::float8 AS median_days
              FROM crm_lifecycle_history h
          GROUP BY h.company_id, h.user_id, h.stage, date_trunc('month', h.date_from), h.date_to - h.date_from
        """, next=_rank(SQL("h.next_stage")), this=_rank(SQL("h.stage")))

    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        self.env.cr.execute(SQL("SELECT set_config('work_mem', %s, true)", FUNNEL_WORK_MEM))
        return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)

    def _read_group_orderby(self, order, groupby_terms, query):
        # stages in funnel order, not alphabetical
        if "stage" in groupby_terms:
            groupby_terms = dict(groupby_terms, stage=_rank(groupby_terms["stage"]))
        return super()._read_group_orderby(order, groupby_terms, query)

    def _read_group_select(self, aggregate_spec, query):
        # Figures of a group from its rows, whatever the grouping: rates, averages and medians do not add up.
        fname = aggregate_spec.split(":")[0]
        column = {name: self._field_to_sql(self._table, name, query)
                  for name in ("entered", "converted", "days_in_stage")}
        if fname == "conversion_rate":
            return SQL("100.0 * SUM(%s) / NULLIF(SUM(%s), 0)", column["converted"], column["entered"])
        if fname == "days_in_stage":
            return SQL(
                "SUM(%(days)s * %(entered)s)::float8 / NULLIF(SUM(%(entered)s) FILTER (WHERE %(days)s IS NOT NULL), 0)",
                days=column["days_in_stage"], entered=column["entered"])
        if fname == "median_days":
            return SQL("crm_lifecycle_median(array_agg(%s::float8), array_agg(%s::bigint))",
                       column["days_in_stage"], column["entered"])
        return super()._read_group_select(aggregate_spec, query)
