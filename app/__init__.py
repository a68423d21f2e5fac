"""launchdeck: a terminal deploy assistant and cost planner for Google Cloud."""

import time as _time

# Stamped at first import so the TUI can report how long start-up took.
START_TIME = _time.perf_counter()
__version__ = "0.1.0"
