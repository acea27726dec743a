"""The documented JSON format matches what the workbench really reads."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx

from journeys.io import interchange
from journeys.io.interchange import from_document, schema
from journeys.model import validation

DOC = Path(__file__).resolve().parents[2] / "docs" / "json-format.md"


def example() -> dict:
    """The first ```json block of docs/json-format.md, parsed."""
    match = re.search(r"```json\n(.*?)\n```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert match, "docs/json-format.md has no ```json block"
    return json.loads(match.group(1))


def field_names(node) -> set[str]:
    """Every property name the schema defines, at any depth."""
    if isinstance(node, list):
        return set().union(*(field_names(child) for child in node))
    if not isinstance(node, dict):
        return set()
    return set(node.get("properties", {})).union(*(field_names(child) for child in node.values()))


def test_example_imports():
    """The example document in the docs imports, and is as small as the docs say, loop included."""
    G = from_document(example())
    assert len(G.graph["stages"]) == 2
    assert len(G.graph["personas"]) == 1
    assert G.number_of_nodes() == 3
    assert not nx.is_directed_acyclic_graph(G)


def test_networkx_snippet():
    """The networkx lines in the docs read the example as the comments say."""
    G = nx.node_link_graph(example(), edges="edges")
    assert G.graph["stages"][0] == {"id": "onboarding", "name": "Onboarding"}
    assert G.edges["install-router", "hotline"] == {"label": "Wi-Fi keeps dropping", "share": 0.4}


def test_every_field_is_documented():
    """Every field the schema knows is described in the docs."""
    text = DOC.read_text(encoding="utf-8")
    assert {name for name in field_names(schema()) if f"`{name}`" not in text} == set()


def test_documented_limits_match_the_code():
    """The limits in the docs are the ones import enforces."""
    text = DOC.read_text(encoding="utf-8")
    assert f"{interchange.MAX_BYTES:,} bytes" in text
    assert f"{interchange.MAX_DEPTH} levels" in text
    assert f"{validation.MAX_TEXT:,} characters" in text
    assert f"{validation.MAX_KEY} characters" in text


def test_schema_link_resolves():
    """The docs link to the schema file that exists."""
    assert "(../journeys/io/journey.schema.json)" in DOC.read_text(encoding="utf-8")
    assert (DOC.parent / "../journeys/io/journey.schema.json").resolve().is_file()


def test_the_reliability_table_quotes_the_hostile_input_tests_as_they_run():
    """The README's figures for hostile files, survey files and backups are the case counts the tests run."""
    from tests.journeys import test_fuzz_import, test_fuzz_survey
    from tests.store import test_backup_hostile
    from tests.stress import FULL

    readme = (Path(__file__).parent.parent.parent / "README.md").read_text(encoding="utf-8")
    json_cases = test_fuzz_import.FUZZ_CASES
    hostile = test_fuzz_import.FUZZ_HOSTILE + 2 * test_fuzz_import.FUZZ_HOSTILE_STORE
    hostile_store = test_fuzz_import.FUZZ_HOSTILE_STORE
    if FULL:  # make stress runs twice as many of each kind of JSON case, as the README says beside a run's figures
        assert f"({json_cases:,} under `make stress`, twice as many of each kind)" in readme
        json_cases, hostile, hostile_store = json_cases // 2, hostile // 2, hostile_store // 2
    survey_cases = test_fuzz_survey.FUZZ_CSV_HOSTILE + 2 * test_fuzz_survey.FUZZ_CSV_STORE
    for quoted in (
        f"{json_cases:,} JSON cases per run",
        f"{hostile:,} with lone surrogates",
        f"{hostile_store} of them through the store on SQLite",
        f"{survey_cases:,} CSV cases per run",
        f"{test_fuzz_survey.FUZZ_CSV_STORE} of them into the store on SQLite",
        f"{len(test_backup_hostile.RECORDS)} mutated records",
        f"{len(test_backup_hostile.HOSTILE_FILES)} hostile journey files and {len(test_backup_hostile.HOSTILE_MANIFESTS)}",
        f"{test_backup_hostile.FUZZ_ARCHIVES} random mutations per database",
    ):
        assert quoted in readme, quoted
