# Two commands do everything on a fresh machine:
#   make demo   set up, start the local Neo4j and the demo site, crawl it, then serve the app on :5000
#   make test   set up and run the test suite against a throwaway Neo4j and Debian's Chromium
# Both are safe to run again: nothing is done twice.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SYSTEM_DEPS := $(VENV)/.system-deps
DEMO_DIR := .demo
DEMO_PORT := 8001
DEMO_URL := http://127.0.0.1:$(DEMO_PORT)
APP_PORT := 5000

.PHONY: demo demosite demo-user stop test install system-deps launcher bench clean db-stop

demo: install launcher
	$(BIN)/adgraph db start
	@$(MAKE) --no-print-directory demosite
	@echo "Crawl 1: every ad of the demo site"
	$(BIN)/adgraph crawl crawler/sites/demo.yaml
	@$(BIN)/python -c "import urllib.request as u; u.urlopen(u.Request('$(DEMO_URL)/_admin/advance', method='POST'))"
	@echo "Crawl 2: the site moved on a cycle (new, edited and removed ads)"
	$(BIN)/adgraph crawl crawler/sites/demo.yaml
	@# Faces in any image stored before faces were looked for (nothing to do on a fresh machine).
	$(BIN)/adgraph faces index
	@$(BIN)/adgraph db status
	@echo
	@echo "The demo site ($(DEMO_URL)/ads) is crawled into the graph. Try:"
	@echo "  $(BIN)/adgraph cypher 'MATCH (p:Phone)<-[:HAS_PHONE]-(a:Ad) RETURN p.e164 AS phone, count(a) AS ads ORDER BY ads DESC LIMIT 5'"
	@$(BIN)/python -c "from PIL import Image; from skimage.data import astronaut; Image.fromarray(astronaut()).save('$(DEMO_DIR)/astronaut.png')"
	@echo "  $(BIN)/adgraph faces search $(DEMO_DIR)/astronaut.png --face 1   # FaceSearch: the ads that show this face"
	@echo "  $(BIN)/adgraph crawl crawler/sites/demo.yaml --every 2     # keep crawling (Ctrl-C stops cleanly)"
	@$(MAKE) --no-print-directory demo-user
	@echo
	@echo "The app: http://127.0.0.1:$(APP_PORT)/  log in as demo, password: $$(cat $(DEMO_DIR)/password)"
	@echo "  search 202.555.0101-style phones, open a network, click its nodes. Ctrl-C stops the app; make stop the rest."
	$(BIN)/adgraph serve --host 127.0.0.1 --port $(APP_PORT)

# The demo's admin account; its password is made once and kept in $(DEMO_DIR)/password (0600).
demo-user: install
	@mkdir -p $(DEMO_DIR)
	@if [ ! -s $(DEMO_DIR)/password ]; then \
	  (umask 077; $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(12))" > $(DEMO_DIR)/password); \
	  $(BIN)/adgraph user add demo --role admin --password-stdin < $(DEMO_DIR)/password || \
	  { rm -f $(DEMO_DIR)/password; echo "An account 'demo' exists from an earlier demo whose password file is gone: use another account (adgraph user add NAME --role admin)." >&2; exit 1; }; \
	fi

# The demo classifieds site, in the background (log and pid in $(DEMO_DIR)/); started once.
demosite: install
	@mkdir -p $(DEMO_DIR)
	@if ! $(BIN)/python -c "import urllib.request as u; u.urlopen('$(DEMO_URL)/_admin/state', timeout=2)" 2>/dev/null; then \
	  echo "Starting the demo site at $(DEMO_URL)"; \
	  nohup $(BIN)/adgraph demosite --port $(DEMO_PORT) > $(DEMO_DIR)/demosite.log 2>&1 & echo $$! > $(DEMO_DIR)/demosite.pid; \
	  for i in $$(seq 100); do $(BIN)/python -c "import urllib.request as u; u.urlopen('$(DEMO_URL)/_admin/state', timeout=2)" 2>/dev/null && exit 0; sleep 0.2; done; \
	  echo "The demo site did not start; see $(DEMO_DIR)/demosite.log" >&2; exit 1; \
	fi

stop:
	-@[ -f $(DEMO_DIR)/demosite.pid ] && kill $$(cat $(DEMO_DIR)/demosite.pid) 2>/dev/null; rm -f $(DEMO_DIR)/demosite.pid
	-$(BIN)/adgraph db stop

test: install launcher
	$(BIN)/pytest

install: $(INSTALLED)

# Java 17+ and Maven run the local Neo4j; Debian's Chromium runs the browser tests (Playwright
# drives it: browsers cannot be downloaded at run time). Installed from Debian when missing (as root).
system-deps: $(SYSTEM_DEPS)
$(SYSTEM_DEPS): Makefile
	@missing=""; \
	command -v java >/dev/null || missing="$$missing openjdk-17-jre-headless"; \
	command -v mvn >/dev/null || missing="$$missing maven"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	  else echo "Install$$missing (e.g. sudo apt-get install$$missing), then run make again." >&2; exit 1; fi; \
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

bench: install launcher
	$(BIN)/python bench/ingest.py --ads 100000
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/crawl.py
	$(BIN)/python bench/viz.py
	$(BIN)/python bench/export.py
	$(BIN)/python bench/networks.py
	$(BIN)/python bench/rebuild.py --ads 1000000

db-stop:
	$(BIN)/adgraph db stop

clean:
	rm -rf $(VENV) $(DEMO_DIR) *.egg-info
