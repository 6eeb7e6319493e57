"""Process-level tuning for serving many small requests: what the collector scans, and when.

Both are settings of the process, not of the app, so the mock's entry point calls this just
before serving, and so does the benchmark's floor app (the same stack, tuned the same way).
"""

from __future__ import annotations

import gc

# A request makes a few hundred short-lived containers, freed by reference counting as it ends
# (cycles are rare). With the default first threshold (700) a young collection ran every two or
# three requests and walked the objects of every request in flight; at 50,000 it runs about
# once per hundred requests, which measured about a tenth of a request's CPU time under load.
GC_THRESHOLDS = (50_000, 20, 100)


def tune_collector() -> None:
    """Freeze what start-up built (spec, validators, operations live as long as the process:
    no collection need scan them again), then collect the young generation less often."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
