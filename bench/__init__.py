"""TrustPlan benchmarks: London and national-scale datasets, page/export/import timings against
their floors, and a load test under gunicorn.

``python -m bench`` (``make bench``) writes ``bench/results.json`` and prints a table;
``python -m bench.load`` (``make load``) runs the load test. The orchestrating processes import
no Django: every measurement runs in a fresh child process against its own database.
"""
