from . import test_customer_360
from . import test_customer_360_security
from . import test_data_quality
from . import test_performance
from . import test_privacy_rpc
from . import test_privacy_security
from . import test_ui
from . import test_translations
