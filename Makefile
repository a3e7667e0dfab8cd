# Two commands do everything on a fresh machine:
#   make demo   set up, start the local Neo4j, load the demo data
#   make test   set up and run the test suite against a throwaway Neo4j
# Both are safe to run again: nothing is done twice.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SYSTEM_DEPS := $(VENV)/.system-deps
DEMO_DIR := .demo

.PHONY: demo test install system-deps launcher bench clean db-stop

demo: install launcher $(DEMO_DIR)/sample.jsonl
	$(BIN)/adgraph db start
	$(BIN)/adgraph ingest $(DEMO_DIR)/sample.jsonl
	@$(BIN)/adgraph db status
	@echo
	@echo "The demo graph is loaded. Try:"
	@echo "  $(BIN)/adgraph cypher 'MATCH (p:Phone)<-[:HAS_PHONE]-(a:Ad) RETURN p.e164 AS phone, count(a) AS ads ORDER BY ads DESC LIMIT 5'"
	@echo "Stop the database with: $(BIN)/adgraph db stop"

test: install launcher
	$(BIN)/pytest

install: $(INSTALLED)

# Java 17+ and Maven run the local Neo4j; installed from Debian when missing (as root).
system-deps: $(SYSTEM_DEPS)
$(SYSTEM_DEPS):
	@if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jre-headless maven; \
	  else echo "Install Java 17+ and Maven (e.g. sudo apt-get install openjdk-17-jre-headless maven), then run make again." >&2; exit 1; fi; \
	fi
	@mkdir -p $(VENV) && touch $@

$(INSTALLED): pyproject.toml constraints.txt | $(SYSTEM_DEPS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	touch $@

# Builds the embedded Neo4j launcher into the user's cache folder (once per launcher version).
launcher: install
	$(BIN)/adgraph db build

$(DEMO_DIR)/sample.jsonl: | install
	mkdir -p $(DEMO_DIR)
	$(BIN)/adgraph sample --ads 400 --seed 7 -o $@

bench: install launcher
	$(BIN)/python bench/ingest.py --ads 100000

db-stop:
	$(BIN)/adgraph db stop

clean:
	rm -rf $(VENV) $(DEMO_DIR) *.egg-info
