"""China's public holidays and make-up workdays (调休) in a working-time calendar, from chinesecalendar:
public holidays as the calendar's time off (no resource), make-up workdays as attendances dated that
day, so that everything counting working time on the calendar (``plan_hours``...) knows them."""
from datetime import date, datetime, time, timedelta

import chinese_calendar
from pytz import timezone, utc

from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    cn_holidays = fields.Boolean(
        "Chinese Public Holidays",
        help="Keep China's public holidays (time off) and make-up workdays (dated working days) in this "
             "calendar: each year is loaded once, as soon as the installed chinesecalendar package knows it.")
    cn_holiday_years = fields.Char("Chinese Holidays Loaded For", readonly=True, copy=False)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_load_chinese_holidays(self):
        """Load this year's Chinese holidays, and next year's when known, and keep them loaded."""
        this_year = fields.Date.context_today(self).year
        years = [year for year in (this_year, this_year + 1) if self._cn_year_known(year)]
        if this_year not in years:
            raise self._cn_unknown_year(this_year)
        self.cn_holidays = True
        for calendar in self:
            for year in years:
                calendar._load_chinese_holidays(year)

    @api.model
    def _cron_load_chinese_holidays(self):
        """Load the years not loaded yet (this one and the next) of the calendars that keep Chinese holidays."""
        this_year = fields.Date.context_today(self).year
        years = [year for year in (this_year, this_year + 1) if self._cn_year_known(year)]
        for calendar in self.search([("cn_holidays", "=", True)]):
            for year in set(years) - calendar._cn_loaded_years():
                calendar._load_chinese_holidays(year)

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    @api.model
    def _cn_year_known(self, year):
        try:
            chinese_calendar.is_workday(date(year, 1, 1))
        except NotImplementedError:  # chinesecalendar's answer for a year it has no data for
            return False
        return True

    def _cn_unknown_year(self, year):
        return UserError(self.env._(
            "The installed chinesecalendar package has no public holidays for %(year)s yet: update it "
            "(pip install -U chinesecalendar) once the State Council has published them.", year=year))

    def _cn_loaded_years(self):
        self.ensure_one()
        return {int(year) for year in (self.cn_holiday_years or "").split(",") if year.strip()}

    def _cn_holiday_names(self):
        """chinesecalendar's (English) holiday names, translated."""
        return {
            "New Year's Day": self.env._("New Year's Day"),
            "Spring Festival": self.env._("Spring Festival"),
            "Tomb-sweeping Day": self.env._("Tomb-sweeping Day"),
            "Labour Day": self.env._("Labour Day"),
            "Dragon Boat Festival": self.env._("Dragon Boat Festival"),
            "National Day": self.env._("National Day"),
            "Mid-autumn Festival": self.env._("Mid-autumn Festival"),
            "Anti-Fascist 70th Day": self.env._("Anti-Fascist 70th Day"),
        }

    def _cn_day_bounds(self, first, last):
        """From midnight of ``first`` to the last second of ``last`` in the calendar's time zone, in naive UTC."""
        zone = timezone(self.tz or "UTC")
        start = zone.localize(datetime.combine(first, time.min))
        end = zone.localize(datetime.combine(last, time(23, 59, 59)))
        return start.astimezone(utc).replace(tzinfo=None), end.astimezone(utc).replace(tzinfo=None)

    def _load_chinese_holidays(self, year):
        """Write ``year``'s public holidays and make-up workdays into this calendar; what it has already
        (the same time off, a dated attendance on that day, a weekday it works anyway) is left as it is."""
        self.ensure_one()
        if not self._cn_year_known(year):
            raise self._cn_unknown_year(year)
        first, last = date(year, 1, 1), date(year, 12, 31)
        names = self._cn_holiday_names()

        def name(day):
            english = chinese_calendar.get_holiday_detail(day)[1]
            return names.get(english, english)

        self.env["resource.calendar.leaves"].create(
            self._cn_leave_values(chinese_calendar.get_holidays(first, last, include_weekends=False), name))
        make_up = [day for day in chinese_calendar.get_workdays(first, last) if day.weekday() >= 5]
        self.attendance_ids = [Command.create(values) for values in self._cn_make_up_values(make_up, name)]
        self.cn_holiday_years = ", ".join(str(loaded) for loaded in sorted(self._cn_loaded_years() | {year}))

    def _cn_leave_values(self, holidays, name):
        """One time off per run of consecutive holidays not covered yet by this calendar's public time off
        or the company's (Time Off › Public Holidays, no calendar)."""
        if not holidays:
            return []
        start, end = self._cn_day_bounds(holidays[0], holidays[-1])
        existing = self.env["resource.calendar.leaves"].search([
            ("resource_id", "=", False), ("date_from", "<=", end), ("date_to", ">=", start),
            "|", ("calendar_id", "=", self.id),
            "&", ("calendar_id", "=", False), ("company_id", "=", (self.company_id or self.env.company).id)])
        runs = []
        for day in holidays:
            day_from, day_to = self._cn_day_bounds(day, day)
            if any(leave.date_from <= day_from and leave.date_to >= day_to for leave in existing):
                continue
            if runs and runs[-1][-1] == day - timedelta(days=1):
                runs[-1].append(day)
            else:
                runs.append([day])
        values = []
        for run in runs:
            date_from, date_to = self._cn_day_bounds(run[0], run[-1])
            values.append({
                "name": ", ".join(dict.fromkeys(name(day) for day in run)), "calendar_id": self.id,
                "resource_id": False, "time_type": "leave", "date_from": date_from, "date_to": date_to})
        return values

    def _cn_make_up_values(self, days, name):
        """Attendances of the make-up workdays: a normal working day's hours, dated that day."""
        values = []
        for day in days:
            if self.attendance_ids.filtered(lambda line: line.date_from == day and line.date_to == day):
                continue
            for line in self._cn_workday_attendances(day):
                values.append(dict(line._copy_attendance_vals(), dayofweek=str(day.weekday()), date_from=day,
                                   date_to=day, name=self.env._("Make-up workday (%s)", name(day))))
        return values

    def _cn_workday_attendances(self, day):
        """The attendances of the first weekday worked (in the week type of ``day``), none when the
        calendar works on ``day``'s weekday anyway."""
        lines = self._get_global_attendances()
        if self.two_weeks_calendar:
            week_type = str(self.env["resource.calendar.attendance"].get_week_type(day))
            lines = lines.filtered(lambda line: line.week_type == week_type)
        weekdays = {int(line.dayofweek) for line in lines}
        if not weekdays or day.weekday() in weekdays:
            return lines.browse()
        return lines.filtered(lambda line: int(line.dayofweek) == min(weekdays))
