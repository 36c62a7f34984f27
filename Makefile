# kvpt - quản lý diễn tập khu vực phòng thủ.
#   make run    serve the app with the demo data on http://127.0.0.1:8000 (HOST=, PORT= to change)
#   make test   lint, type-check, migrations check and the whole test suite (DATABASE_URL= for PostgreSQL)
# Every Python command goes through uv and the committed uv.lock.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

# Debian packages: what the app needs to run, and what the tests need on top (a real browser,
# PDF tools). Later features add theirs here, e.g. libreoffice-writer-nogui for PDF reports.
# postgresql: the fault tests start a throwaway cluster of their own (initdb, pg_ctl) in every pass.
RUNTIME_DEBS := fonts-liberation2 gettext libreoffice-writer-nogui
TEST_DEBS := $(RUNTIME_DEBS) chromium poppler-utils postgresql

# Expanded late (after bootstrap-uv ran): uv on PATH, or the one pip just installed.
UV = $(or $(shell command -v uv 2>/dev/null),python3 -m uv)
RUN = $(UV) run --frozen
export KVPT_UV = $(UV)

# Under CI no test may skip (the conftest reads KVPT_NO_SKIP), and the test database is rebuilt.
ifeq ($(CI),true)
export KVPT_NO_SKIP ?= 1
PYTEST_CI_ARGS := --create-db
endif
PYTEST_ARGS ?=

.PHONY: help setup setup-test bootstrap-uv run test lint fmt bench load messages clean

help:
	@echo "make run      chạy ứng dụng với dữ liệu mẫu (serve with demo data; HOST=, PORT=)"
	@echo "make test     kiểm tra toàn bộ (ruff, mypy, migrations, pytest; DATABASE_URL= for PostgreSQL)"
	@echo "make setup    cài môi trường (uv, .venv from uv.lock, Debian packages when root)"
	@echo "make lint     ruff + mypy        make fmt       format and autofix"
	@echo "make messages cập nhật bản dịch  make bench     đo hiệu năng trang/API (bench/README.md)"
	@echo "make load     thử tải 50 máy khách, 60 s (SQLite và PostgreSQL; BENCH_ARGS=)"
	@echo "make clean    xóa tệp tạm (keeps the database and secret key in var/)"

bootstrap-uv:
	@scripts/ensure-uv.sh

setup: bootstrap-uv
	@$(UV) sync --frozen --quiet
	@scripts/debs.sh $(RUNTIME_DEBS)

setup-test: bootstrap-uv
	@$(UV) sync --frozen --quiet
	@scripts/debs.sh $(TEST_DEBS)

run: setup
	@scripts/run.sh

test: setup-test
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy .
	$(RUN) python manage.py makemigrations --check --dry-run
	@scripts/compile-messages.sh
	$(RUN) pytest $(PYTEST_CI_ARGS) $(PYTEST_ARGS)

lint: setup
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy .

fmt: setup
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

# Throwaway databases (var/bench/*.sqlite3, PostgreSQL bench_<pid> on 127.0.0.1), results in
# bench/results/. BENCH_ARGS= passes options, e.g. BENCH_ARGS="--db sqlite --requests 50".
BENCH_ARGS ?=
bench: setup
	$(RUN) kvpt bench run $(BENCH_ARGS)

load: setup
	$(RUN) kvpt bench load $(BENCH_ARGS)

messages: setup
	$(RUN) python manage.py makemessages -l en --no-obsolete --ignore='.venv/*' --ignore='var/*' --ignore='bench/*'
	$(RUN) python scripts/po_fill.py
	$(RUN) python manage.py compilemessages -l en --ignore=.venv --ignore=var

clean:
	rm -rf .mypy_cache .ruff_cache .pytest_cache test-results var/static var/test.sqlite3*
	find . -path ./.venv -prune -o -name __pycache__ -type d -exec rm -rf {} +
