"""18.0.1.3.0: reply deadlines count the working hours of a resource.calendar.

The working day of the settings (``reply_day_start`` to ``reply_day_end``, Monday to Friday, with
China's public holidays and make-up workdays) becomes each company's customer-service calendar,
in the company's time zone (Asia/Shanghai when it has none), which keeps Chinese holidays loaded.
"""
from odoo import SUPERUSER_ID, Command, api

PREFIX = "crm_unified_view."
DEFAULT_DAY = (9.0, 18.0)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    params = env["ir.config_parameter"]
    day = (float(params.get_param(PREFIX + "reply_day_start") or DEFAULT_DAY[0]),
           float(params.get_param(PREFIX + "reply_day_end") or DEFAULT_DAY[1]))
    params.search([("key", "in", (PREFIX + "reply_day_start", PREFIX + "reply_day_end"))]).unlink()
    if not params.get_param(PREFIX + "reply_working_hours") and day == DEFAULT_DAY:
        return  # plain hours: nothing was counted in working hours, nothing was set
    for company in env["res.company"].search([("reply_calendar_id", "=", False)]):
        company.reply_calendar_id = env["resource.calendar"].create({
            "name": "Customer Service Hours", "company_id": company.id,
            "tz": company.partner_id.tz or "Asia/Shanghai", "cn_holidays": True,
            "attendance_ids": [Command.clear()] + [
                Command.create({"name": name, "dayofweek": str(weekday), "hour_from": day[0], "hour_to": day[1]})
                for weekday, name in enumerate(WEEKDAYS)],
        })
    env["resource.calendar"]._cron_load_chinese_holidays()
