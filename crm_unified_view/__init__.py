from . import models
from . import wizard
from . import report
from . import controllers
from .hooks import post_init_hook, uninstall_hook
