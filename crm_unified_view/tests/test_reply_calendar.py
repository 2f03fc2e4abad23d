"""Reply deadlines in working hours of a resource.calendar, with China's public holidays and
make-up workdays (调休) loaded into it from chinesecalendar."""
import importlib.util
from datetime import date, datetime, time
from pathlib import Path

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from .service_common import ServiceCommon, nine_to_six

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


@tagged("post_install", "-at_install")
class TestChineseHolidays(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = nine_to_six(cls.env)

    # TOOLS
    def _days_off(self, first, last):
        unusual = self.calendar._get_unusual_days(datetime.combine(first, time.min), datetime.combine(last, time.max))
        return sorted(day for day, off in unusual.items() if off)

    def _make_up_days(self):
        return self.calendar.attendance_ids.filtered("date_from")

    # TESTS
    def test_national_day_is_one_public_holiday(self):
        self.calendar._load_chinese_holidays(2025)
        leave = self.calendar.leave_ids.filtered(lambda leave: leave.date_from.date() == date(2025, 9, 30))
        self.assertEqual(len(leave), 1)
        self.assertFalse(leave.resource_id, "a public holiday: no resource")
        self.assertEqual(leave.name, "National Day, Mid-autumn Festival", "one time off for the whole break")
        # midnight to midnight in Shanghai, 1-8 October
        self.assertEqual((leave.date_from, leave.date_to),
                         (datetime(2025, 9, 30, 16, 0), datetime(2025, 10, 8, 15, 59, 59)))
        self.assertEqual(self._days_off(date(2025, 9, 29), date(2025, 10, 12)), [
            "2025-10-01", "2025-10-02", "2025-10-03", "2025-10-04", "2025-10-05", "2025-10-06", "2025-10-07",
            "2025-10-08", "2025-10-12"])

    def test_make_up_workdays_are_dated_attendances(self):
        self.assertIn("2025-09-28", self._days_off(date(2025, 9, 22), date(2025, 9, 28)))
        self.calendar._load_chinese_holidays(2025)
        make_up = self._make_up_days().filtered(lambda line: line.date_from == date(2025, 9, 28))
        self.assertEqual(len(make_up), 1)
        self.assertEqual((make_up.dayofweek, make_up.date_to, make_up.hour_from, make_up.hour_to),
                         ("6", date(2025, 9, 28), 9.0, 18.0), "a Sunday worked, with a normal day's hours")
        self.assertIn(date(2025, 10, 11), self._make_up_days().mapped("date_from"), "a Saturday worked")
        self.assertEqual(self._days_off(date(2025, 9, 22), date(2025, 9, 28)), ["2025-09-27"])
        self.assertEqual(self._days_off(date(2025, 10, 18), date(2025, 10, 19)), ["2025-10-18", "2025-10-19"],
                         "other weekends stay off")
        self.assertEqual(self.calendar.hours_per_day, 9.0, "the average day is unchanged")

    def test_loading_twice_adds_nothing(self):
        self.calendar._load_chinese_holidays(2025)
        leaves, make_up = self.calendar.leave_ids, self._make_up_days()
        self.assertTrue(leaves and make_up)
        self.calendar._load_chinese_holidays(2025)
        self.assertEqual((self.calendar.leave_ids, self._make_up_days()), (leaves, make_up))

    def test_a_calendar_that_works_saturdays_gets_no_second_saturday(self):
        self.calendar.attendance_ids = [Command.create(
            {"name": "Saturday", "dayofweek": "5", "hour_from": 9, "hour_to": 12})]
        self.calendar._load_chinese_holidays(2025)
        self.assertNotIn(date(2025, 10, 11), self._make_up_days().mapped("date_from"))
        self.assertIn(date(2025, 9, 28), self._make_up_days().mapped("date_from"))

    def test_only_administrators_load_holidays(self):
        employee = new_test_user(self.env, "cuv_calendar_employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.calendar.with_user(employee).action_load_chinese_holidays()
        with self.assertRaises(AccessError):
            self.calendar.with_user(employee)._load_chinese_holidays(2025)

    def test_unknown_year_is_refused(self):
        with self.assertRaises(UserError):
            self.calendar._load_chinese_holidays(2099)

    def test_the_button_loads_this_year_and_the_next_one_known(self):
        with freeze_time("2025-06-01"):
            self.calendar.action_load_chinese_holidays()
        self.assertTrue(self.calendar.cn_holidays)
        self.assertEqual(self.calendar.cn_holiday_years, "2025, 2026")
        self.assertTrue(self.calendar.leave_ids.filtered(lambda leave: leave.date_to.year == 2026))
        with freeze_time("2099-06-01"), self.assertRaises(UserError):
            self.calendar.action_load_chinese_holidays()

    def test_cron_loads_the_years_missing(self):
        other = nine_to_six(self.env, "不加载")
        with freeze_time("2024-12-01"):
            self.calendar.action_load_chinese_holidays()
        self.assertEqual(self.calendar.cn_holiday_years, "2024, 2025")
        # a holiday removed by hand stays removed: loaded years are not loaded again
        self.calendar.leave_ids.filtered(lambda leave: leave.date_to.year == 2025)[:1].unlink()
        removed = len(self.calendar.leave_ids)
        with freeze_time("2025-12-01"):
            self.env["resource.calendar"]._cron_load_chinese_holidays()
        self.assertEqual(self.calendar.cn_holiday_years, "2024, 2025, 2026")
        self.assertEqual(len(self.calendar.leave_ids.filtered(lambda leave: leave.date_to.year < 2026)), removed)
        self.assertFalse(other.leave_ids, "only the calendars that keep Chinese holidays")


@tagged("post_install", "-at_install")
class TestReplyDeadlineCalendar(ServiceCommon):
    """Deadlines counted through the company's calendar."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Clock = cls.env["crm.reply.clock"]
        cls.calendar = nine_to_six(cls.env, company_id=cls.company.id)
        cls.calendar._load_chinese_holidays(2025)
        cls.company.reply_calendar_id = cls.calendar
        cls.env["res.config.settings"].create({"reply_working_hours": True}).execute()

    def _deadline(self, received, company=None):
        return self.Clock._deadlines(received, company or self.company)[0]

    def test_deadline_across_a_weekend(self):
        # Friday 2026-03-06 16:00 in Shanghai: 2 h that day, 9 h on Monday, 1 h on Tuesday
        self.assertEqual(self._deadline(datetime(2026, 3, 6, 8)), datetime(2026, 3, 10, 2))

    def test_deadline_across_national_day(self):
        # Tuesday 2025-09-30 16:00: 2 h that day, 1-8 October off, 9 h on the 9th, 1 h on the 10th
        self.assertEqual(self._deadline(datetime(2025, 9, 30, 8)), datetime(2025, 10, 10, 2))

    def test_deadline_across_a_make_up_workday(self):
        # Friday 2025-09-26 16:00: 2 h that day, Saturday off, 9 h on Sunday 28th (worked), 1 h on Monday
        self.assertEqual(self._deadline(datetime(2025, 9, 26, 8)), datetime(2025, 9, 29, 2))

    def test_escalation_counted_the_same_way(self):
        self.env["res.config.settings"].create({"reply_limit_hours": 2, "reply_escalation_hours": 18}).execute()
        self.assertEqual(self.Clock._deadlines(datetime(2025, 9, 30, 8), self.company),
                         (datetime(2025, 9, 30, 10), datetime(2025, 10, 10, 8)))

    def test_company_working_hours_by_default(self):
        # Odoo's standard calendar: 8:00-12:00 and 13:00-17:00, lunch is no working time
        standard = self.env["resource.calendar"].create({"name": "Standard", "tz": "Asia/Shanghai",
                                                         "company_id": self.company.id})
        self.company.write({"reply_calendar_id": False, "resource_calendar_id": standard.id})
        # Monday 2026-03-02 9:00: 3 h + 4 h that day, 4 h + 1 h on Tuesday
        self.assertEqual(self._deadline(datetime(2026, 3, 2, 1)), datetime(2026, 3, 3, 6))

    def test_public_holidays_of_the_company_count_not_those_of_others(self):
        # Time Off › Public Holidays: no calendar, the company's
        other_company = self.env["res.company"].create({"name": "另一家公司"})
        leave = {"name": "公司假日", "calendar_id": False, "date_from": datetime(2026, 3, 8, 16),
                 "date_to": datetime(2026, 3, 9, 15, 59, 59)}  # Monday 2026-03-09 in Shanghai
        for company in (other_company, self.company):
            public_holiday = self.env["resource.calendar.leaves"].with_company(company).create(leave)
            public_holiday.flush_recordset()  # its company is computed: the current one
            self.assertEqual(public_holiday.company_id, company)
            if company == other_company:
                self.assertEqual(self._deadline(datetime(2026, 3, 6, 8)), datetime(2026, 3, 10, 2))
        self.assertEqual(self._deadline(datetime(2026, 3, 6, 8)), datetime(2026, 3, 11, 2))

    def test_plain_hours_when_the_setting_is_off(self):
        self.env["res.config.settings"].create({"reply_working_hours": False}).execute()
        self.assertEqual(self._deadline(datetime(2025, 9, 30, 8)), datetime(2025, 9, 30, 20))

    def test_a_calendar_without_working_time_counts_plain_hours(self):
        self.calendar.attendance_ids = [Command.clear()]
        self.assertEqual(self._deadline(datetime(2025, 9, 30, 8)), datetime(2025, 9, 30, 20))

    def test_settings_choose_the_calendar_and_load_holidays(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.reply_calendar_id, self.calendar)
        other = nine_to_six(self.env, "值班", company_id=self.company.id)
        settings.reply_calendar_id = other
        settings.execute()
        self.assertEqual(self.company.reply_calendar_id, other)
        with freeze_time("2025-06-01"):
            self.env["res.config.settings"].create({}).action_load_chinese_holidays()
        self.assertEqual(other.cn_holiday_years, "2025, 2026")


@tagged("post_install", "-at_install")
class TestReplyHoursMigration(TransactionCase):
    """18.0.1.3.0: the working day of the settings becomes a calendar of each company."""

    # TOOLS
    def _migrate(self):
        path = MIGRATIONS / "18.0.1.3.0" / "post-reply-working-hours.py"
        spec = importlib.util.spec_from_file_location("post_reply_working_hours", path)
        script = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(script)
        with freeze_time("2025-06-01"):
            script.migrate(self.env.cr, "18.0.1.2.0")
        self.env.invalidate_all()

    def _set(self, **params):
        for key, value in params.items():
            self.env["ir.config_parameter"].set_param("crm_unified_view.%s" % key, value)

    # TESTS
    def test_working_day_of_the_settings_becomes_a_calendar(self):
        self._set(reply_working_hours="True", reply_day_start="8.5", reply_day_end="17.5")
        companies = self.env["res.company"].search([])
        self._migrate()
        calendars = companies.reply_calendar_id
        self.assertEqual(len(calendars), len(companies), "one calendar per company")
        for company in companies:
            calendar = company.reply_calendar_id
            self.assertEqual(calendar.company_id, company)
            self.assertEqual(sorted(calendar.attendance_ids.mapped(lambda line: (line.dayofweek, line.hour_from,
                                                                                 line.hour_to))
                                    )[:5], [(str(day), 8.5, 17.5) for day in range(5)])
            self.assertTrue(calendar.cn_holidays)
            self.assertEqual(calendar.cn_holiday_years, "2025, 2026")
        params = self.env["ir.config_parameter"].sudo()
        self.assertFalse(params.get_param("crm_unified_view.reply_day_start"))
        self.assertFalse(params.get_param("crm_unified_view.reply_day_end"))
        self.assertEqual(params.get_param("crm_unified_view.reply_working_hours"), "True")

    def test_nothing_to_map_without_working_hours(self):
        self._set(reply_day_start="9.0", reply_day_end="18.0")
        calendars = self.env["resource.calendar"].search_count([])
        self._migrate()
        self.assertEqual(self.env["resource.calendar"].search_count([]), calendars)
        self.assertFalse(self.env["res.company"].search([]).reply_calendar_id)
        self.assertFalse(self.env["ir.config_parameter"].sudo().get_param("crm_unified_view.reply_day_start"))
