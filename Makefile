# zhuanbao — two commands on a fresh machine:
#   make demo   set everything up and build the example series into output/
#   make test   set everything up and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: setup system demo test bench bundle clean

# system packages first: on a fresh Debian (or UOS, 麒麟) python3-venv may be missing
system:
	sh scripts/setup-system.sh

$(BIN)/zhuanbao: pyproject.toml | system
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/python -m compileall -q src  # an editable install has no .pyc until a run may write one
	touch $@

setup: system $(BIN)/zhuanbao

# the example's database is made from its SQL (content/数据/民生统计.sql), not kept as a binary
demo: setup
	$(BIN)/python scripts/example_database.py content
	$(BIN)/zhuanbao build content -o output

test: setup
	$(BIN)/python scripts/example_database.py content
	$(BIN)/python -m pytest

bench: setup
	command -v pandoc >/dev/null || (apt-get install -y -qq pandoc || echo "请先安装 pandoc")
	$(BIN)/pip install -q -e '.[dev,bench]'
	$(BIN)/python -m compileall -q src
	$(BIN)/python bench/suite.py --runs 5
	$(BIN)/python bench/big_table.py --runs 7
	$(BIN)/python bench/watch_latency.py
	$(BIN)/python bench/preview.py

# an offline installation bundle for an intranet PC: make bundle PLATFORM=win_amd64 PY=3.11
PLATFORM ?= win_amd64
PY ?= 3.11
bundle: setup
	$(BIN)/python scripts/bundle.py --platform $(PLATFORM) --python $(PY)

clean:
	rm -rf output .pytest_cache
