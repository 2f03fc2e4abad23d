"""Pure computations (no ORM): testable in milliseconds, fed and written back by models."""
from . import data_quality
