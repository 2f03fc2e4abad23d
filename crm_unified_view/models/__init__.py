from . import crm_customer_info_item
from . import res_company
from . import res_partner
from . import res_config_settings
from . import sale_order
from . import account_move
from . import crm_customer_demo
