"""An item of customer information: its category in the Customer 360 and its type."""
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .crm_customer_private_info import PRIVATE_FIELDS

CATEGORIES = [
    ("basic", "Basic"),
    ("contact", "Contact"),
    ("status", "Status"),
    ("account", "Account"),
    ("behaviour", "Behaviour"),
    ("service", "Service"),
    ("extended", "Extended"),
]
INFO_TYPES = [
    ("descriptive", "Descriptive"),
    ("behavioural", "Behavioural"),
    ("associative", "Associative"),
]


class CrmCustomerInfoItem(models.Model):
    _name = "crm.customer.info.item"
    _description = "Customer Information Item"
    _order = "category, sequence, id"

    category = fields.Selection(CATEGORIES, required=True, default="extended")
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    field_id = fields.Many2one(
        "ir.model.fields", "Partner Field", required=True, ondelete="cascade",
        domain="[('model', '=', 'res.partner')]")
    field_name = fields.Char(related="field_id.name")
    info_type = fields.Selection(
        INFO_TYPES, "Type", required=True, default="descriptive",
        help="Descriptive information is judged by its accuracy, behavioural information by its "
             "completeness; associative information (satisfaction, loyalty, attitudes) is informative.")
    validation = fields.Selection(
        [("none", "Filled in"), ("email", "Email address"), ("phone", "Phone number"), ("vat", "Tax ID")],
        default="none", required=True,
        help="How accuracy checks a filled-in descriptive value.")
    weight = fields.Float(default=1.0, help="Weight of the item in its score.")
    is_expected = fields.Boolean(
        "Expected", default=True,
        help="Behavioural items that are expected count in the completeness score.")
    description = fields.Text(translate=True)

    _sql_constraints = [
        ("field_unique", "UNIQUE(field_id)", "Each partner field can be classified only once."),
    ]

    @api.constrains("weight")
    def _check_weight(self):
        for item in self:
            if item.weight <= 0:
                raise ValidationError(self.env._("The weight of “%s” must be greater than zero.", item.name))

    @api.constrains("field_id")
    def _check_field_id(self):
        for item in self:
            if item.field_id.model == "res.partner" and item.field_id.name in PRIVATE_FIELDS:
                raise ValidationError(self.env._(
                    "“%s” is private information: it is not scored, since the scores are shown to every "
                    "customer-information user.", item.field_id.field_description))

    def _has_value(self, partner):
        """Whether ``partner`` holds a value for this item (zero and empty count as missing)."""
        value = partner[self.field_name]
        if self.field_id.ttype == "properties":
            # {property name: value} on records, [{..., "value": ...}] in the web client's format
            values = value.values() if isinstance(value, dict) else (prop.get("value") for prop in value or [])
            return any(values)
        return bool(value)
