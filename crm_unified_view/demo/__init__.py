"""The demo data that cannot be fixed XML records: the customers' two years of sales, what the
demo complaints get from them, and the touchpoints (emails, done calls and meetings, satisfaction
surveys, the lifecycle history of earlier runs); generated once when the addon is installed with demo data
(see ``hooks.py``)."""
from . import complaints, sales_history, touchpoints


def generate(env):
    """Needs the demo XML files loaded: the demo company, its products and customers, the
    knowledge base, the complaints and the touchpoints' fixed records."""
    sales_history.generate(env)
    complaints.generate(env)
    touchpoints.generate(env)
