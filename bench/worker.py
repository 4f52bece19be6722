"""The Django side of the benchmarks: ``python -m bench.worker MODE --out FILE --params JSON``.

Run by the orchestrator in a fresh process per measurement, with production settings and
``DATABASE_URL`` naming one benchmark database; writes its figures as JSON to FILE.
"""

import argparse
import importlib
import json
import os
import sys
from pathlib import Path

MODES = {
    "build": ("bench.build", "build"),
    "pages": ("bench.pages", "measure_pages"),
    "export": ("bench.export_bench", "measure_export"),
    "export_rss": ("bench.export_bench", "measure_export_rss"),
    "import": ("bench.import_bench", "measure_import"),
    "import_docx": ("bench.upload_bench", "measure_import_docx"),
    "upload": ("bench.upload_bench", "measure_upload"),
    "pack": ("bench.pack_bench", "measure_pack"),
    "load_setup": ("bench.load_side", "setup"),
    "load_check": ("bench.load_side", "check"),
}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    parser.add_argument("mode", choices=sorted(MODES))
    parser.add_argument("--out", required=True)
    parser.add_argument("--params", default="{}")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustplan.settings")
    import django

    django.setup()
    module, function = MODES[args.mode]
    result = getattr(importlib.import_module(module), function)(json.loads(args.params))
    Path(args.out).write_text(json.dumps(result, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
