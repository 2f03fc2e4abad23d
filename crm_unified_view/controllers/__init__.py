from . import main
from . import knowledge
