# Front door: `make run` starts the app, `make test` runs every check CI runs.
# Pass pytest options with `make test PYTEST_ARGS="-k editor"`.
.PHONY: run test stress lint bench screenshots

run:
	bash .ci/start

test:
	bash .ci/test $(PYTEST_ARGS)

# The same suite with the stress tests at the full size README's Reliability figures name.
stress:
	JOURNEYS_TEST_STRESS=full bash .ci/test $(PYTEST_ARGS)

lint:
	bash .ci/setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

bench:
	bash .ci/setup && .venv/bin/python -m bench

# Refresh the README's screenshots of the Editor, its map editor, Review and Portfolio (the tests write elsewhere otherwise).
screenshots:
	JOURNEYS_SCREENSHOTS=$(CURDIR)/docs/screenshots bash .ci/test tests/e2e/test_editor.py tests/e2e/test_review.py \
		tests/e2e/test_map_editing.py
