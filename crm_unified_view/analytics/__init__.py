"""Pure computations (no ORM): testable in milliseconds, fed and written back by models."""
from . import data_quality
from . import rfm
from . import clv
from . import segments
from . import pareto
from . import cross_sell
from . import pipeline
from . import retention
from . import nps
