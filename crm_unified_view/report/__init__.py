from . import crm_campaign_response
from . import crm_lifecycle_funnel
