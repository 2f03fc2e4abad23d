from . import crm_campaign_response
from . import crm_satisfaction_analysis
