from . import crm_campaign_response
