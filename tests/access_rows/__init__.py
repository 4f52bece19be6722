"""Access-matrix rows kept by feature: one module per feature, collected by `feature_tables()`."""

import importlib
import pkgutil


def feature_tables():
    """Every feature module's rows and World part, in module-name order.

    Returns (rows, worlds): rows a list of `Row`, worlds a tuple of classes. A module offers `ROWS`
    (required) and `World` (optional). `base` holds shared definitions and offers neither.
    """
    rows, worlds = [], []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        rows.extend(module.ROWS)
        if hasattr(module, "World"):
            worlds.append(module.World)
    return rows, tuple(worlds)
