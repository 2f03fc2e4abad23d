from . import crm_campaign_response
from . import crm_churn_report
from . import crm_touchpoint
from . import crm_satisfaction_analysis
from . import crm_lifecycle_funnel
