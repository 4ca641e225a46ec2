# The two commands a newcomer needs: `make run` and `make test`.
# Both set everything up on a fresh machine (virtualenv, RabbitMQ).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run run-cluster test-cluster test test-postgresql security lint broker postgresql chromium asyncapi-schema typescript-client bench bench-cluster bench-login bench-orders bench-catalog clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

broker:
	deploy/local/ensure-rabbitmq.sh

# The AsyncAPI spec's JSON schemas (npm's @asyncapi/specs): tests/contracts checks docs/asyncapi.yaml with them.
ASYNCAPI_SCHEMA := var/tools/node_modules/@asyncapi/specs/schemas/2.6.0.json
$(ASYNCAPI_SCHEMA):
	npm install --prefix var/tools --no-save --no-audit --no-fund --loglevel=error @asyncapi/specs@6.11.1

asyncapi-schema: $(ASYNCAPI_SCHEMA)

# The TypeScript client example (docs/api.md, TypeScript client): openapi-typescript makes its types
# from the document (python -m gateway.openapi_dump, nothing started) and tsc type-checks a small
# program with them, so a change of the document that breaks a frontend breaks the build.
TS_CLIENT := examples/typescript-client
TS_CLIENT_MODULES := $(TS_CLIENT)/node_modules/.package-lock.json
$(TS_CLIENT_MODULES): $(TS_CLIENT)/package.json $(TS_CLIENT)/package-lock.json
	npm ci --prefix $(TS_CLIENT) --no-audit --no-fund --loglevel=error

typescript-client: $(BIN)/.installed $(TS_CLIENT_MODULES)  ## generate the TypeScript client from the OpenAPI document and type-check its example (tsc --noEmit)
	$(BIN)/python -m gateway.openapi_dump --output $(TS_CLIENT)/openapi.json
	cd $(TS_CLIENT) && npm run --silent generate && npm run --silent check
	@echo "the TypeScript client type-checks against the document"

run: $(BIN)/.installed broker  ## start the whole system (Ctrl-C stops it)
	$(BIN)/sportello run

run-cluster: $(BIN)/.installed broker  ## the same on PostgreSQL, a three-node RabbitMQ cluster, two processes each (Ctrl-C stops it all)
	deploy/local/run-cluster.sh $(RUN_ARGS)

chromium:  ## Debian's chromium for the portal's browser tests (tests/portal; never a browser download)
	deploy/local/ensure-chromium.sh

test: $(BIN)/.installed broker chromium $(ASYNCAPI_SCHEMA) typescript-client  ## run the whole test suite (SQLite databases)
	$(BIN)/lint-imports
	$(BIN)/pytest $(PYTEST_ARGS)

security: $(BIN)/.installed  ## bandit (medium/high findings fail) and pip-audit of the installed virtualenv
	$(BIN)/bandit -c pyproject.toml -r . --severity-level medium -q
	$(BIN)/python -m tests.security.audit_dependencies

test-faults: $(BIN)/.installed broker  ## the fault-injection suite (own broker node, restarts and kills)
	SPORTELLO_FAULTS=1 $(BIN)/pytest tests/faults --timeout 600 $(PYTEST_ARGS)

test-cluster: $(BIN)/.installed broker  ## the cluster topology (run-cluster) started, a node killed, Ctrl-C (~3 min)
	SPORTELLO_CLUSTER_TESTS=1 $(BIN)/pytest tests/cluster --timeout 900 $(PYTEST_ARGS)

postgresql:
	deploy/local/ensure-postgresql.sh

test-postgresql: $(BIN)/.installed broker postgresql $(ASYNCAPI_SCHEMA) $(TS_CLIENT_MODULES)  ## the suite again, every database on PostgreSQL
	SPORTELLO_TEST_DB=postgresql SPORTELLO_TEST_PG_URL=$$(cat var/postgresql/admin-url) $(BIN)/pytest $(PYTEST_ARGS)

bench: $(BIN)/.installed broker  ## the benchmark suite: 100,000 products, 1/10/50 clients (~10 min); rewrites docs/performance.md
	$(BIN)/python -m bench $(BENCH_ARGS)

bench-cluster: $(BIN)/.installed broker  ## the same suite on the production topology (PostgreSQL, 3 RabbitMQ nodes, quorum queues, 2 processes each; ~15 min); rewrites its part of docs/performance.md
	$(BIN)/python -m bench --topology cluster $(BENCH_ARGS)

bench-quick: $(BIN)/.installed broker  ## the same suite on small data, 1/10 clients (about a minute); table and bench/results/
	$(BIN)/python -m bench --quick $(BENCH_ARGS)

bench-catalog: $(BIN)/.installed broker  ## catalog search alone on 100,000 products beside the floors
	$(BIN)/python -m bench.catalog_search $(BENCH_ARGS)

lint: $(BIN)/.installed
	$(BIN)/lint-imports

clean:
	rm -rf var $(VENV)

test-faults-cluster: $(BIN)/.installed  ## the fault suite on the production topology: 3 RabbitMQ nodes, PostgreSQL, 2 processes each (not in CI: see docs/reliability.md)
	SPORTELLO_FAULTS_CLUSTER=1 $(BIN)/pytest tests/faults_cluster -p no:cacheprovider --timeout 1800 $(PYTEST_ARGS)
