# Front door: `make run` starts the app, `make test` runs every check CI runs.
# Pass pytest options with `make test PYTEST_ARGS="-k editor"`.
.PHONY: run test lint bench

run:
	bash .ci/start

test:
	bash .ci/test $(PYTEST_ARGS)

lint:
	bash .ci/setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

bench:
	bash .ci/setup && .venv/bin/python -m bench
