"""Moving in from spreadsheets: the template round trip, bad rows reported, all or nothing."""
import base64
import io
import zipfile

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import BaseCase, TransactionCase, new_test_user, tagged

from ..analytics import customer_sheet

GROUPS = "base.group_user,base.group_partner_manager,crm_unified_view.group_customer_info_user"


@tagged("post_install", "-at_install")
class TestCustomerImport(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.cn")
        cls.user = new_test_user(cls.env, "cuv_importer", groups=GROUPS, name="导入员 陈静")
        cls.user_granted = new_test_user(cls.env, "cuv_importer_granted", groups=GROUPS, name="市场部 郑爽")
        department = cls.env["hr.department"].create({"name": "市场部"})
        cls.env["hr.employee"].create({"name": "郑爽", "user_id": cls.user_granted.id, "department_id": department.id})
        cls.env.ref("crm_unified_view.private_category_income").department_ids = department
        cls.env["crm.private.access.member"].create({
            "user_id": cls.user_granted.id, "department_id": department.id, "state": "confirmed"})
        cls.existing = cls.env["res.partner"].create({
            "name": "已有客户", "email": "old@customer.example.com", "phone": "+86 138 0013 9999"})

    def _template(self, user):
        wizard = self.env["crm.customer.import"].with_user(user).create({})
        action = wizard.action_download_template()
        self.assertIn("/template/", action["url"])
        return openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.template)))

    @staticmethod
    def _content(book):
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    def _upload(self, user, content):
        return self.env["crm.customer.import"].with_user(user).create({
            "file": base64.b64encode(content), "filename": "customers.xlsx"})

    def _wizard(self, user, rows, book=None):
        book = book or self._template(user)
        data = book.worksheets[0]
        keys = [cell.value for cell in data[2]]
        for offset, row in enumerate(rows):
            for key, value in row.items():
                data.cell(row=customer_sheet.FIRST_DATA_ROW + offset, column=keys.index(key) + 1, value=value)
        buffer = io.BytesIO()
        book.save(buffer)
        return self.env["crm.customer.import"].with_user(user).create({
            "file": base64.b64encode(buffer.getvalue()), "filename": "customers.xlsx"})

    def test_template_round_trip(self):
        book = self._template(self.user)
        titles = [cell.value for cell in book.worksheets[0][1]]
        self.assertIn("Name *", titles)
        self.assertIn("Email", titles)
        self.assertEqual(book.sheetnames[1], "Instructions")
        wizard = self._wizard(self.user, [
            {"name": "杭州新茶有限公司", "is_company": "Yes", "email": "Buy@NewTea.example.com",
             "phone": "0571 8888 6666", "city": "杭州", "country_id": "CN", "user_id": "cuv_importer"},
            {"name": "李雷", "is_company": "No", "mobile": "13912345678"},
        ], book)
        wizard.action_check()
        self.assertEqual(wizard.row_count, 2)
        self.assertIn("No problem found", wizard.problems)
        partners = self.env["res.partner"].search([("id", "in", wizard.action_import()["domain"][0][2])])
        self.assertEqual(sorted(partners.mapped("name")), sorted(["杭州新茶有限公司", "李雷"]))
        company = partners.filtered("is_company")
        self.assertEqual((company.email, company.country_id.code, company.user_id), (
            "buy@newtea.example.com", "CN", self.user))
        self.assertTrue(all(partner.customer_rank for partner in partners))

    def test_bad_rows_are_reported_and_nothing_is_imported(self):
        wizard = self._wizard(self.user, [
            {"name": "好客户", "email": "good@customer.example.com"},
            {"name": "坏邮箱", "email": "not-an-email"},
            {"name": "坏电话", "phone": "12345"},
            {"email": "noname@customer.example.com"},
            {"name": "坏选项", "is_company": "maybe", "country_id": "Atlantis"},
            {"name": "重复已有", "phone": "13800139999"},
            {"name": "文件内重复", "email": "good@customer.example.com"},
        ])
        wizard.action_check()
        problems = wizard.problems
        for expected in ("Row 4, Email: not a valid email address", "Row 5, Phone: not a valid phone number",
                         "Row 6, Name: this column is required", "Row 7, Is a Company: write Yes or No",
                         "Row 7, Country: unknown country", "Row 8, Phone: this customer already exists: 已有客户",
                         "Row 9, Email: same customer as row 3 of this file"):
            self.assertIn(expected, problems)
        before = self.env["res.partner"].search_count([])
        with self.assertRaises(UserError) as raised:
            wizard.action_import()
        self.assertIn("Nothing was imported", str(raised.exception))
        self.assertEqual(self.env["res.partner"].search_count([]), before)

    def test_existing_tax_id_and_email_are_found_however_typed(self):
        self.env["res.partner"].create({"name": "北京甲公司", "is_company": True, "vat": "91110000600037341L",
                                        "email": "Info@JiaCompany.example.com"})
        wizard = self._wizard(self.user, [{"name": "甲公司", "vat": "9111-0000.6000 37341l"},
                                          {"name": "甲公司采购部", "email": "INFO@jiacompany.example.com"}])
        wizard.action_check()
        self.assertIn("Row 3, Tax ID: this customer already exists: 北京甲公司", wizard.problems)
        self.assertIn("Row 4, Email: this customer already exists: 北京甲公司", wizard.problems)

    def test_private_columns_need_a_grant(self):
        rows = [{"name": "王先生", "income_level": "High"}, {"name": "赵女士", "income_level": "Middle"}]
        before = self.env["res.partner"].search_count([])
        with self.assertRaises(UserError):
            self._wizard(self.user, rows).action_import()
        self.assertEqual(self.env["res.partner"].search_count([]), before, "not even the first row")
        wizard = self._wizard(self.user_granted, rows)
        partners = self.env["res.partner"].browse(wizard.action_import()["domain"][0][2])
        self.assertEqual(sorted(partners.with_user(self.user_granted).mapped("income_level")), ["high", "middle"])
        wizard = self._wizard(self.user_granted, [{"name": "钱先生", "income_level": "很有钱"}])
        wizard.action_check()
        self.assertIn("not one of the values of the drop-down list", wizard.problems)

    def test_messages_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"].search([("name", "=", "crm_unified_view")])._update_translations("zh_CN")
        self.user.lang = "zh_CN"
        wizard = self._wizard(self.user, [{"name": "坏邮箱", "email": "bad@"}])
        wizard.with_context(lang=self.user.lang).action_check()  # as the web client sends it
        self.assertIn("第 3 行", wizard.problems)
        self.assertIn("不是有效的电子邮件地址", wizard.problems)

    def test_files_that_are_not_a_customer_sheet(self):
        wizard = self.env["crm.customer.import"].with_user(self.user).create({
            "file": base64.b64encode(b"name,email\nx,y\n"), "filename": "customers.csv"})
        with self.assertRaisesRegex(UserError, "not an Excel workbook"):
            wizard.action_check()
        book = openpyxl.Workbook()
        book.active.append(["Name"])
        buffer = io.BytesIO()
        book.save(buffer)
        wizard.file = base64.b64encode(buffer.getvalue())
        with self.assertRaisesRegex(UserError, "column keys"):
            wizard.action_check()
        with self.assertRaisesRegex(UserError, "Choose the filled-in template"):
            self.env["crm.customer.import"].with_user(self.user).create({}).action_check()

    # ------------------------------------------------------------------
    # Whom the check may look at and name
    # ------------------------------------------------------------------
    def test_customers_the_user_may_not_read_are_neither_found_nor_named(self):
        company_b = self.env["res.company"].create({"name": "乙公司"})
        self.env["res.partner"].create({
            "name": "乙公司的秘密客户", "email": "secret@b.example.com", "phone": "+86 138 0013 7777",
            "company_id": company_b.id})
        wizard = self._wizard(self.user, [{"name": "新客户", "email": "secret@b.example.com"},
                                          {"name": "另一个", "phone": "13800137777"},
                                          {"name": "重复已有", "email": "OLD@customer.example.com"}])
        wizard.action_check()
        self.assertNotIn("乙公司的秘密客户", wizard.problems)
        self.assertNotIn("Row 3", wizard.problems)
        self.assertNotIn("Row 4", wizard.problems)
        self.assertIn("Row 5, Email: this customer already exists: 已有客户", wizard.problems)

    def test_the_salesperson_is_matched_exactly(self):
        wizard = self._wizard(self.user, [
            {"name": "通配符", "user_id": "%"},
            {"name": "下划线", "user_id": "cuv_import_r"},
            {"name": "大小写", "user_id": "CUV_IMPORTER"},
        ])
        wizard.action_check()
        self.assertIn("Row 3, Salesperson: no user with this login or email", wizard.problems)
        self.assertIn("Row 4, Salesperson: no user with this login or email", wizard.problems)
        self.assertNotIn("Row 5", wizard.problems)

    # ------------------------------------------------------------------
    # Oversized files
    # ------------------------------------------------------------------
    def test_an_oversized_file_is_refused_before_it_is_stored(self):
        Attachment = self.env["ir.attachment"].sudo()
        stored = [("res_model", "=", "crm.customer.import"), ("res_field", "=", "file")]
        before = Attachment.search_count(stored)
        too_large = base64.b64encode(b"\0" * (customer_sheet.MAX_FILE_BYTES + 1))
        Wizard = self.env["crm.customer.import"].with_user(self.user)
        with self.assertRaisesRegex(UserError, "larger than 5 MB"):
            Wizard.create({"file": too_large, "filename": "big.xlsx"})
        wizard = Wizard.create({})
        with self.assertRaisesRegex(UserError, "larger than 5 MB"):
            wizard.write({"file": too_large.decode()})
        self.assertEqual(Attachment.search_count(stored), before, "nothing of it was stored")

    def test_a_workbook_that_unpacks_too_large_is_refused(self):
        content = self._content(self._template(self.user))
        padded = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(content)) as source, \
                zipfile.ZipFile(padded, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                with source.open(info) as member, target.open(info.filename, "w") as copy:
                    copy.write(member.read())
                    if info.filename == "xl/worksheets/sheet1.xml":  # whitespace after the root: still valid
                        for _chunk in range(customer_sheet.MAX_UNPACKED_BYTES // 2 ** 20 + 1):
                            copy.write(b" " * 2 ** 20)
        self.assertLess(len(padded.getvalue()), customer_sheet.MAX_FILE_BYTES // 10, "a small upload")
        with self.assertRaisesRegex(UserError, "more than 50 MB once unpacked"):
            self._upload(self.user, padded.getvalue()).action_check()

    def test_rows_are_read_up_to_the_limit(self):
        book = openpyxl.Workbook()
        book.active.append(["Name"])
        book.active.append(["name"])
        book.active.append(["甲"])
        last = customer_sheet.FIRST_DATA_ROW + customer_sheet.MAX_SHEET_ROWS - 1
        book.active.cell(row=last, column=1, value="最后一行")
        self.assertEqual(len(customer_sheet.read_rows(self._content(book))), 2)
        book.active.cell(row=last + 1, column=1, value="太远了")
        with self.assertRaisesRegex(UserError, "more than 10000 rows"):
            self._upload(self.user, self._content(book)).action_check()

    def test_limits_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"].search([("name", "=", "crm_unified_view")])._update_translations("zh_CN")
        self.user.lang = "zh_CN"
        book = openpyxl.Workbook()
        book.active.append(["Name"])
        book.active.append(["name"])
        book.active.cell(row=customer_sheet.FIRST_DATA_ROW + customer_sheet.MAX_SHEET_ROWS, column=1, value="太远")
        wizard = self._upload(self.user, self._content(book)).with_context(lang="zh_CN")
        with self.assertRaisesRegex(UserError, "超过 10000 行"):
            wizard.action_check()


@tagged("post_install", "-at_install")
class TestCustomerSheet(BaseCase):
    """The pure reading of a workbook (analytics/customer_sheet.py)."""

    def test_size_of_an_upload_in_base64(self):
        for size, refused in ((customer_sheet.MAX_FILE_BYTES, False), (customer_sheet.MAX_FILE_BYTES + 1, True)):
            for tail in range(3):  # every padding of the last base64 group
                encoded = base64.b64encode(b"\0" * (size - tail))
                self.assertEqual(customer_sheet.is_too_large(encoded), refused and not tail, (size, tail))

    def test_columns_after_the_limit_are_not_read(self):
        book = openpyxl.Workbook()
        book.active.append(["Name"])
        book.active.append(["name"])
        book.active.append(["甲"])
        far = customer_sheet.MAX_COLUMNS + 1
        book.active.cell(row=2, column=far, value="email")
        book.active.cell(row=3, column=far, value="jia@example.com")
        book.active.cell(row=1, column=16384, value="as wide as a sheet goes")  # every row would be padded to it
        self.assertEqual(customer_sheet.read_rows(TestCustomerImport._content(book)), [(3, {"name": "甲"})])
