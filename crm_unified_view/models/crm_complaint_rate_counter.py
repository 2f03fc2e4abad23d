"""Counters of the public complaint form's rate limits: one row per key (an address, an email)
and time window, counted in one statement so that simultaneous submissions cannot overshoot."""
from datetime import datetime, timedelta

from odoo import api, fields, models
from odoo.tools import SQL

EPOCH = datetime(1970, 1, 1)


class CrmComplaintRateCounter(models.Model):
    _name = "crm.complaint.rate.counter"
    _description = "Complaint Form Rate Counter"
    _log_access = False

    key = fields.Char(required=True, readonly=True)
    period = fields.Integer("Window (seconds)", required=True, readonly=True)
    window_start = fields.Datetime(required=True, readonly=True, index=True)
    hits = fields.Integer(readonly=True)

    _sql_constraints = [
        ("key_window_unique", "UNIQUE(key, period, window_start)", "One counter per key and time window."),
    ]

    @api.model
    def _hit(self, key, window):
        """Count one more hit of ``key`` in the current ``window`` (a timedelta); return the count.

        INSERT ... ON CONFLICT DO UPDATE takes the row's lock: a simultaneous hit waits for this
        transaction and then counts after it (or fails to serialize and is retried by the request)."""
        period = int(window.total_seconds())
        now = fields.Datetime.now()
        start = EPOCH + timedelta(seconds=(now - EPOCH).total_seconds() // period * period)
        self.env.cr.execute(SQL(
            """INSERT INTO crm_complaint_rate_counter (key, period, window_start, hits)
               VALUES (%s, %s, %s, 1)
               ON CONFLICT (key, period, window_start)
               DO UPDATE SET hits = crm_complaint_rate_counter.hits + 1
               RETURNING hits""", key, period, start))
        return self.env.cr.fetchone()[0]

    @api.autovacuum
    def _gc_expired(self):
        self.env.cr.execute(SQL(
            "DELETE FROM crm_complaint_rate_counter WHERE window_start + make_interval(secs => period) < %s",
            fields.Datetime.now()))
