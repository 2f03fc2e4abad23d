"""The demo data that cannot be fixed XML records: the customers' two years of sales, and what
the demo complaints get from them; generated once when the addon is installed with demo data
(see ``hooks.py``)."""
from . import complaints, sales_history


def generate(env):
    """Needs the demo XML files loaded: the demo company, its products and customers, the
    knowledge base and the complaints."""
    sales_history.generate(env)
    complaints.generate(env)
