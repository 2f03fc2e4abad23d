"""Reply deadlines: plain hours, or working hours on the Chinese calendar.

Working days follow ``chinese_calendar.is_workday``: public holidays are off and the
make-up workdays (调休, weekends worked instead) are on. Years the library does not know
fall back to Monday-Friday. All datetimes in and out are naive UTC; working hours are
counted in the local time zone ``tz``.
"""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_TZ = "Asia/Shanghai"
MAX_DAYS = 366 * 2  # a deadline further away than this is a configuration error


def is_workday(day):
    try:
        import chinese_calendar  # noqa: PLC0415
        return chinese_calendar.is_workday(day)
    except (ImportError, NotImplementedError):
        return day.weekday() < 5


def add_hours(start, hours):
    return start + timedelta(hours=hours)


def _zone(tz):
    try:
        return ZoneInfo(tz or DEFAULT_TZ)
    except (KeyError, ValueError):
        return ZoneInfo(DEFAULT_TZ)


def add_working_hours(start, hours, tz=DEFAULT_TZ, day_start=9.0, day_end=18.0, workday=is_workday):
    """``start`` (naive UTC) plus ``hours`` counted only inside working hours of working days.

    :param day_start, day_end: the working day in local hours (e.g. 9.0 and 18.0)
    :param workday: ``date -> bool`` (Chinese calendar by default)
    """
    if hours <= 0:
        return start
    if not 0 <= day_start < day_end <= 24:
        raise ValueError("The working day must start before it ends, within 0-24 h.")
    zone = _zone(tz)
    local = start.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)
    remaining = timedelta(hours=hours)
    open_at, close_at = timedelta(hours=day_start), timedelta(hours=day_end)
    day = local.date()
    for _i in range(MAX_DAYS):
        if workday(day):
            midnight = datetime.combine(day, time())
            begin = max(local, midnight + open_at)
            end = midnight + close_at
            if begin < end:
                if begin + remaining <= end:
                    result = (begin + remaining).replace(tzinfo=zone)
                    return result.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
                remaining -= end - begin
        day += timedelta(days=1)
    raise ValueError("No working time within two years: check the working hours settings.")


def deadline(start, hours, working_hours=False, **kwargs):
    """The deadline ``hours`` after ``start``: plain or working hours."""
    if working_hours:
        return add_working_hours(start, hours, **kwargs)
    return add_hours(start, hours)
