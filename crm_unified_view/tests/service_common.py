"""Shared fixtures of the customer-service tests: users, categories, an alias and raw emails."""
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate

from odoo import Command
from odoo.tests import TransactionCase, new_test_user


def nine_to_six(env, name="客服时间", **values):
    """Monday to Friday, 9:00-18:00 in Shanghai, no break: the former default working day of the reply deadlines."""
    return env["resource.calendar"].create({
        "name": name, "tz": "Asia/Shanghai", **values,
        "attendance_ids": [Command.clear()] + [
            Command.create({"name": "Day %s" % day, "dayofweek": str(day), "hour_from": 9, "hour_to": 18})
            for day in range(5)],
    })


class ServiceCommon(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.alias_domain = cls.env["mail.alias.domain"].create({"name": "service.example.com"})
        cls.company.alias_domain_id = cls.alias_domain
        info_groups = "base.group_user,base.group_partner_manager,crm_unified_view.group_customer_info_user"
        cls.user_agent = new_test_user(cls.env, "cuv_agent", groups=info_groups, name="客服 周杰",
                                       email="agent@company.example.com", tz="Asia/Shanghai")
        cls.user_rnd = new_test_user(cls.env, "cuv_rnd", groups=info_groups, name="研发 孙伟",
                                     email="rnd@company.example.com", tz="Asia/Shanghai")
        cls.user_boss = new_test_user(cls.env, "cuv_boss", groups=info_groups, name="经理 马丽",
                                      email="boss@company.example.com", tz="Asia/Shanghai")
        cls.user_service_manager = new_test_user(
            cls.env, "cuv_service_manager", groups="base.group_user,crm_unified_view.group_customer_info_manager",
            name="Service manager", email="svcmgr@company.example.com")
        cls.user_employee = new_test_user(cls.env, "cuv_plain_employee", groups="base.group_user", name="Employee")
        cls.user_portal = new_test_user(cls.env, "cuv_portal_customer", groups="base.group_portal", name="Portal")
        # the agent's manager, through Employees
        boss_employee = cls.env["hr.employee"].create({"name": "马丽", "user_id": cls.user_boss.id})
        cls.env["hr.employee"].create({"name": "周杰", "user_id": cls.user_agent.id, "parent_id": boss_employee.id})

        cls.category_product = cls.env.ref("crm_unified_view.crm_complaint_category_product")
        cls.category_product.write({"user_id": cls.user_rnd.id, "alias_name": "complaints"})
        cls.category_process = cls.env.ref("crm_unified_view.crm_complaint_category_service")
        cls.category_process.user_id = cls.user_boss
        cls.stage_new = cls.env.ref("crm_unified_view.crm_complaint_stage_new")
        cls.stage_resolved = cls.env.ref("crm_unified_view.crm_complaint_stage_resolved")
        cls.stage_closed = cls.env.ref("crm_unified_view.crm_complaint_stage_closed")

        cls.customer = cls.env["res.partner"].create({
            "name": "杭州西湖茶业有限公司", "is_company": True, "email": "info@xihutea.example.com"})
        cls.contact = cls.env["res.partner"].create({
            "name": "王芳", "parent_id": cls.customer.id, "email": "wangfang@xihutea.example.com",
            "user_id": cls.user_agent.id})
        cls.product = cls.env["product.product"].create({"name": "西湖龙井"})

    # TOOLS
    @staticmethod
    def _raw_email(subject, body, email_from="wangfang@xihutea.example.com", name="王芳",
                   to="complaints@service.example.com", message_id="<cpl-1@xihutea.example.com>",
                   subtype="plain", extra_headers=None):
        """A real MIME message: UTF-8 body in base64, RFC 2047 encoded subject and sender name."""
        message = MIMEText(body, subtype, "utf-8")
        message["From"] = formataddr((str(Header(name, "utf-8")), email_from)) if name else email_from
        message["To"] = to
        message["Subject"] = Header(subject, "utf-8").encode()
        message["Message-ID"] = message_id
        message["Date"] = formatdate()
        for key, value in (extra_headers or {}).items():
            message[key] = value
        return message.as_string()

    def _process(self, raw, model=None):
        thread_id = self.env["mail.thread"].message_process(model, raw)
        return thread_id

    def _complaint(self, **values):
        return self.env["crm.complaint"].create({
            "subject": "茶叶受潮", "partner_id": self.contact.id, "channel": "phone", **values})
