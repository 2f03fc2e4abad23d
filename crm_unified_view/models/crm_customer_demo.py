"""Demo data generator (called from demo/crm_unified_view_demo.xml only)."""
from odoo import api, models


class CrmCustomerDemo(models.AbstractModel):
    _name = "crm.customer.demo"
    _description = "Customer 360 Demo Data"

    @api.model
    def _generate_demo_data(self):
        return True
