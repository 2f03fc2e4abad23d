"""Which segmentation runs a retention policy keeps: pure function, no ORM."""
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta


@dataclass(frozen=True)
class StoredRun:
    id: int
    as_of: date        # the day it describes
    created: date      # the day it was made (a back-test describes an earlier day)
    done: bool


def runs_to_keep(runs, today, keep_days=35, keep_months=24):
    """Ids of the runs to keep: every run of the last ``keep_days`` days (by the day it
    describes or the day it was made), then the last finished run of each month for
    ``keep_months`` months, then the last finished run of each year; and always the latest
    finished run. A run left unfinished is kept only while it is recent.

    :raise ValueError: a negative period.
    """
    if keep_days < 0 or keep_months < 0:
        raise ValueError("Retention periods cannot be negative.")
    recent = today - relativedelta(days=keep_days)
    monthly = today - relativedelta(months=keep_months)
    keep = {run.id for run in runs if run.as_of > recent or run.created > recent}
    last_of = {}
    for run in sorted((run for run in runs if run.done), key=lambda run: (run.as_of, run.id)):
        period = (run.as_of.year, run.as_of.month) if run.as_of > monthly else (run.as_of.year,)
        last_of[period] = run.id  # sorted: the last one wins
        last_of["latest"] = run.id
    return keep | set(last_of.values())
