from . import base_partner_merge_automatic_wizard
from . import mail_compose_message
