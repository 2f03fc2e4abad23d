from . import base_partner_merge_automatic_wizard
from . import mail_compose_message
from . import crm_segmentation_compare
from . import crm_segmentation_compare_line
from . import crm_customer_import
from . import crm_mailing_create
