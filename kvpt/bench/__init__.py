"""Benchmarks and load tests (issue 7): synthetic data, the page and API bench, the load client.

Not a Django app and not run by `make test` (only its small tests in kvpt/bench/tests are).
Entry points are the `kvpt bench seed|run|load` subcommands (kvpt/cli/bench.py);
bench/README.md explains them.
"""
