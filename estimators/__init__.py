"""Cost estimation: the price catalog, one estimator per component family, reports and comparison.

Pure Python: no Textual, no Google imports at module level.

    from launchdeck.estimators import load_catalog, estimate, compare
    report = estimate(plan)                 # CostReport for plan.target
    cmp = compare(plan)                     # every target side by side, self-host included
"""

from launchdeck.estimators.compare import CompareRow, Comparison, compare
from launchdeck.estimators.engine import TARGETS, estimate
from launchdeck.estimators.pricebook import CatalogError, PriceCatalog, load_catalog
from launchdeck.estimators.report import CatalogInfo, CostLine, CostReport

__all__ = [
    "TARGETS", "CatalogError", "CatalogInfo", "CompareRow", "Comparison", "CostLine", "CostReport", "PriceCatalog",
    "compare", "estimate", "load_catalog",
]
