"""Moving in from spreadsheets: a customer template to fill, checked row by row, imported all or nothing."""
import base64
import io

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, escape_psql

from ..analytics import customer_sheet as sheet
from ..models.sql_expressions import phone_key, vat_key

PROBLEM_COUNT_SHOWN = 20


class CrmCustomerImport(models.TransientModel):
    _name = "crm.customer.import"
    _description = "Customer Import from a Spreadsheet"

    file = fields.Binary("Spreadsheet", help="The customer template (.xlsx), filled in.")
    filename = fields.Char()
    state = fields.Selection([("upload", "Upload"), ("checked", "Checked")], default="upload", required=True)
    row_count = fields.Integer("Rows", readonly=True)
    problems = fields.Text(readonly=True)
    template = fields.Binary(readonly=True)
    template_name = fields.Char(readonly=True)

    @api.onchange("file")
    def _onchange_file(self):
        self.state, self.problems, self.row_count = "upload", False, 0

    # The size is checked on the base64 text, before the upload is stored or decoded.
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_file_size(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_file_size(vals)
        return super().write(vals)

    def _check_file_size(self, vals):
        if vals.get("file") and sheet.is_too_large(vals["file"]):
            raise UserError(self._messages()["too_large"])

    # ------------------------------------------------------------------
    # The template
    # ------------------------------------------------------------------
    def _column_title(self, key):
        return self.env["res.partner"]._fields[key].get_description(self.env)["string"]

    def _choices(self):
        """Accepted texts of the drop-down columns: stored values and labels in the user's language."""
        field = self.env["res.partner"]._fields["income_level"]
        accepted = {}
        for value, label in field._description_selection(self.env):
            accepted.update({value: value, label: value, label.lower(): value})
        return {"income_level": accepted}

    def action_download_template(self):
        import xlsxwriter  # noqa: PLC0415 - installed with Odoo, only needed here

        self.ensure_one()
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        data = book.add_worksheet(self.env._("Customers"))
        bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        for index, column in enumerate(sheet.COLUMNS):
            title = self._column_title(column.key) + (" *" if column.required else "")
            data.write(0, index, title, bold)
            data.write(1, index, column.key)
            data.set_column(index, index, max(14, len(title) * 2))
            last = sheet.FIRST_DATA_ROW + sheet.MAX_ROWS
            if column.kind == "bool":
                data.data_validation(2, index, last, index, {
                    "validate": "list", "source": [self.env._("Yes"), self.env._("No")]})
            elif column.kind == "choice":
                labels = [label for value, label in
                          self.env["res.partner"]._fields[column.key]._description_selection(self.env)]
                data.data_validation(2, index, last, index, {"validate": "list", "source": labels})
            elif column.kind == "date":
                data.set_column(index, index, 14, book.add_format({"num_format": "yyyy-mm-dd"}))
        data.set_row(1, None, None, {"hidden": True})  # the column keys: found whatever the language
        data.freeze_panes(2, 1)
        notes = book.add_worksheet(self.env._("Instructions"))
        categories = dict(self.env["crm.customer.info.item"]._fields["category"]._description_selection(self.env))
        notes.write(0, 0, self.env._("Fill one customer per row of the first sheet, from row 3. Columns marked * "
                                     "are required. Leave a cell empty when you do not know the value."), bold)
        notes.write(1, 0, self.env._("Nothing is imported if one row is wrong: correct the rows listed and "
                                     "import the file again."))
        for row, column in enumerate(sheet.COLUMNS, start=3):
            notes.write(row, 0, self._column_title(column.key))
            notes.write(row, 1, categories[column.category])
        notes.set_column(0, 1, 30)
        book.close()
        self.write({"template": base64.b64encode(buffer.getvalue()),
                    "template_name": self.env._("customer_import_template.xlsx")})
        return {"type": "ir.actions.act_url", "target": "self",
                "url": "/web/content/%s/%s/template/%s?download=true" % (self._name, self.id, self.template_name)}

    # ------------------------------------------------------------------
    # Checking and importing
    # ------------------------------------------------------------------
    def _messages(self):
        return {
            "required": self.env._("this column is required"),
            "email": self.env._("not a valid email address"),
            "phone": self.env._("not a valid phone number"),
            "bool": self.env._("write Yes or No"),
            "choice": self.env._("not one of the values of the drop-down list"),
            "integer": self.env._("not a whole number"),
            "date": self.env._("not a date"),
            "country": self.env._("unknown country: write its code (CN) or name"),
            "user": self.env._("no user with this login or email"),
            "duplicate_file": self.env._("same customer as row %s of this file"),
            "duplicate_existing": self.env._("this customer already exists: %s"),
            "too_large": self.env._("The file is larger than %s MB.", sheet.MAX_FILE_BYTES // (1024 * 1024)),
            "not_xlsx": self.env._("This is not an Excel workbook (.xlsx): download the template and fill it in."),
            "no_keys": self.env._(
                "The second row of the template (the column keys) is missing: download the template again."),
            "too_many_rows": self.env._(
                "The file has more than %s customers: split it into several files.", sheet.MAX_ROWS),
            "too_large_unpacked": self.env._(
                "The workbook holds more than %s MB once unpacked: split it into several files.",
                sheet.MAX_UNPACKED_BYTES // (1024 * 1024)),
            "too_many_sheet_rows": self.env._(
                "The first sheet has more than %s rows: delete the empty rows below the customers, "
                "or split the file.", sheet.MAX_SHEET_ROWS),
        }

    def _read(self):
        if not self.file:
            raise UserError(self.env._("Choose the filled-in template first."))
        try:
            return sheet.read_rows(base64.b64decode(self.file))
        except sheet.SheetError as error:
            raise UserError(self._messages()[str(error)]) from error

    def _resolve(self, values, problems):
        """Countries and salespeople by their names, as the importing user sees them."""
        if values.get("country_id"):
            name = values["country_id"]
            Country = self.env["res.country"]
            country = Country.search([("code", "=", name.upper())], limit=1) if len(name) == 2 else Country
            country = country or Country.search([("name", "ilike", name)]).filtered(
                lambda found: found.name.casefold() == name.casefold())[:1]
            values["country_id"] = country.id
            if not country:
                problems.append(("country_id", "country"))
        if values.get("user_id"):
            login = values["user_id"]
            exactly = escape_psql(login)  # the same login or email whatever the case, not a pattern
            user = self.env["res.users"].search(["|", ("login", "=ilike", exactly), ("email", "=ilike", exactly)],
                                                limit=1)
            values["user_id"] = user.id
            if not user:
                problems.append(("user_id", "user"))

    def _existing_customers(self, keys):
        """Partners sharing an email, tax ID or phone with the file, by key: only those of the
        importing company (or shared) that the importing user may read."""
        if not keys:
            return {}
        by_kind = {kind: [value for k, value in keys if k == kind] for kind in ("email", "vat", "phone")}
        Partner = self.env["res.partner"]
        Partner.flush_model(["email_normalized", "vat", "phone", "mobile"])
        # the user's access rights and record rules, resolved by the ORM; the matching stays in SQL
        readable = Partner._search([("company_id", "in", [False, self.env.company.id])])
        self.env.cr.execute(SQL("""
            SELECT id, email_normalized, %(partner_vat)s, %(partner_phone)s, %(partner_mobile)s
              FROM res_partner
             WHERE id IN %(readable)s
               AND (email_normalized = ANY(%(email)s) OR %(partner_vat)s = ANY(%(vat)s)
                    OR %(partner_phone)s = ANY(%(phone)s) OR %(partner_mobile)s = ANY(%(phone)s))
        """, partner_vat=vat_key(SQL("vat")), partner_phone=phone_key(SQL("phone")),
            partner_mobile=phone_key(SQL("mobile")), readable=readable.subselect(), **by_kind))
        found = {}
        for partner_id, email, vat, phone, mobile in self.env.cr.fetchall():
            for key in (("email", email), ("vat", vat), ("phone", phone), ("phone", mobile)):
                if key in keys:
                    found.setdefault(key, partner_id)
        return found

    def _check_rows(self):
        """Every row's values, and every problem as ``(row, column key, message)``."""
        rows = self._read()
        messages, choices = self._messages(), self._choices()
        company_region = self.env.company.country_id.code
        checked, problems, seen = [], [], {}
        for number, record in rows:
            country = str(record.get("country_id") or "")
            region = country.upper() if len(country) == 2 and country.isalpha() else company_region
            values, row_problems = sheet.check_row(record, choices, region)
            self._resolve(values, row_problems)
            problems += [(number, key, messages[code]) for key, code in row_problems]
            for key in sheet.duplicate_keys(values):
                if key in seen:
                    problems.append((number, key[0], messages["duplicate_file"] % seen[key]))
                seen.setdefault(key, number)
            checked.append((number, values))
        existing = self._existing_customers(set(seen))
        if existing:
            names = dict(self.env["res.partner"].browse(set(existing.values())).mapped(
                lambda partner: (partner.id, partner.display_name)))
            for key, number in seen.items():
                if key in existing:
                    problems.append((number, key[0], messages["duplicate_existing"] % names[existing[key]]))
        return checked, sorted(set(problems))

    def _problem_text(self, problems):
        lines = [self.env._("Row %(row)s, %(column)s: %(problem)s", row=row, column=self._column_title(key),
                            problem=message) for row, key, message in problems[:PROBLEM_COUNT_SHOWN]]
        if len(problems) > PROBLEM_COUNT_SHOWN:
            lines.append(self.env._("... and %s more.", len(problems) - PROBLEM_COUNT_SHOWN))
        return "\n".join(lines)

    def action_check(self):
        self.ensure_one()
        checked, problems = self._check_rows()
        self.write({"state": "checked", "row_count": len(checked),
                    "problems": self._problem_text(problems) or self.env._("No problem found: ready to import.")})
        return self._reopen()

    def action_import(self):
        """All rows or none: any problem, or any refusal of access, and nothing is written."""
        self.ensure_one()
        checked, problems = self._check_rows()
        if problems:
            raise UserError(self.env._("Nothing was imported: %(count)s row problem(s).\n%(problems)s",
                                       count=len(problems), problems=self._problem_text(problems)))
        if not checked:
            raise UserError(self.env._("The file has no customer rows."))
        vals_list = [dict(values, customer_rank=1, company_id=self.env.company.id) for _number, values in checked]
        try:
            with self.env.cr.savepoint():
                partners = self.env["res.partner"].create(vals_list)
                # the import is their first contact (stored as such: no record stays of it)
                partners.sudo().write({"first_contact_date": fields.Datetime.now(), "first_contact_channel": "import"})
        except AccessError as error:
            raise UserError(self.env._("Nothing was imported: %s", error)) from error
        return {
            "type": "ir.actions.act_window", "res_model": "res.partner", "view_mode": "list,form",
            "name": self.env._("Imported Customers"), "domain": [("id", "in", partners.ids)],
        }

    def _reopen(self):
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id, "view_mode": "form",
                "target": "new", "name": self.env._("Import Customers")}
