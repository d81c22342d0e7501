"""Apply dbt-project-evaluator's graph and documentation rules to target/manifest.json.

The dbt-project-evaluator package cannot be installed here (no dbt hub), so this script checks the rules of
it that matter for this project, over the manifest `dbt parse` writes. Every finding is printed; a finding
listed in the exceptions file (lint/evaluator_exceptions.json, each with its reason) is allowed, any other
fails the check, and so does an exception that no longer fires (delete it: the rule now holds).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# Layers in the order data flows; a model may read only its own layer or earlier ones. Longest prefix wins.
LAYERS = {
    "models/staging/base/": 1,
    "models/staging/": 2,
    "models/intermediate/": 3,
    "models/marts/": 4,
    # the MetricFlow time spine: built from the calendar, read by the semantic layer only
    "models/semantic/": 4,
}
RAW_LAYER = 0  # sources and seeds
# Name prefix -> the folder a model with that prefix belongs in.
PREFIX_FOLDERS = {
    "base_": ("models/staging/",),
    "stg_": ("models/staging/",),
    # a quarantine model sits in the layer that reaches its verdict (transactions: after clean customers)
    "quarantine_": ("models/staging/", "models/intermediate/"),
    "int_": ("models/intermediate/",),
    "fct_": ("models/marts/",),
    "dim_": ("models/marts/",),
}

RULES = {
    "backward_dependency": "a model reads a model of a later layer (data must flow raw -> staging -> "
    "intermediate -> marts, and base -> the rest of staging)",
    "marts_dependent_on_marts": "a mart reads another mart (marts are built from intermediate models)",
    "staging_dependent_on_other_tables": "a staging model depends on more than one raw table (staging cleans "
    "its own table; a check across tables belongs one layer later)",
    "marts_or_intermediate_dependent_on_source": "a model outside staging reads a source or seed directly",
    "direct_join_to_source": "a model reads a source or seed and another model",
    "rejoining_of_upstream_concepts": "a model with a single child is rejoined by its own parent "
    "(parent -> model -> child and parent -> child)",
    "root_models": "a model reads no source, seed or model",
    "model_directories": "a model's name prefix does not match its folder",
    "undocumented_models": "a model has no description",
    "undocumented_source_tables": "a source table has no description",
    "unused_sources": "a source table no model reads",
    "sources_without_freshness": "a source table has no freshness check",
    "public_models_without_contract": "a public model has no enforced contract",
    "exposures_dependent_on_private_models": "an exposure reads a model that is not public",
}


@dataclass(frozen=True, order=True)
class Finding:
    rule: str
    subject: str


def layer_of(node: dict) -> int:
    if node["resource_type"] in ("source", "seed"):
        return RAW_LAYER
    path = node["original_file_path"]
    matches = [prefix for prefix in LAYERS if path.startswith(prefix)]
    if not matches:
        raise SystemExit(f"error: {path} is in no known layer folder ({', '.join(LAYERS)})")
    return LAYERS[max(matches, key=len)]


def findings(manifest: dict) -> list[Finding]:
    """Every rule violation in the project's own models, sources and exposures."""
    project = manifest["metadata"].get("project_name")
    nodes = {
        uid: node
        for uid, node in {**manifest["nodes"], **manifest["sources"]}.items()
        if node.get("package_name") == project
    }
    models = {uid: node for uid, node in nodes.items() if node["resource_type"] == "model"}
    parents = {uid: [p for p in node["depends_on"]["nodes"] if p in nodes] for uid, node in models.items()}
    children: dict[str, set[str]] = defaultdict(set)
    for uid, ups in parents.items():
        for parent in ups:
            children[parent].add(uid)

    def name(uid: str) -> str:
        node = nodes[uid]
        return f"{node['source_name']}.{node['name']}" if node["resource_type"] == "source" else node["name"]

    @cache
    def raw_tables(uid: str) -> frozenset[str]:
        """The raw tables (sources and seeds, by name) a node depends on, directly or through models."""
        if layer_of(nodes[uid]) == RAW_LAYER:
            return frozenset([nodes[uid]["name"]])
        return frozenset().union(*(raw_tables(parent) for parent in parents.get(uid, [])))

    found: list[Finding] = []
    for uid, model in models.items():
        here = layer_of(model)
        raw_parents = [p for p in parents[uid] if layer_of(nodes[p]) == RAW_LAYER]
        for parent in parents[uid]:
            edge = f"{model['name']} reads {name(parent)}"
            if layer_of(nodes[parent]) > here:
                found.append(Finding("backward_dependency", edge))
            if here == LAYERS["models/marts/"] and layer_of(nodes[parent]) == here:
                found.append(Finding("marts_dependent_on_marts", edge))
        if here <= LAYERS["models/staging/"] and len(raw_tables(uid)) > 1:
            found.append(
                Finding(
                    "staging_dependent_on_other_tables",
                    f"{model['name']} depends on {', '.join(sorted(raw_tables(uid)))}",
                )
            )
        for parent in raw_parents:
            if here > LAYERS["models/staging/"]:
                found.append(
                    Finding("marts_or_intermediate_dependent_on_source", f"{model['name']} reads {name(parent)}")
                )
        if raw_parents and len(raw_parents) < len(parents[uid]):
            found.append(
                Finding(
                    "direct_join_to_source",
                    f"{model['name']} reads {', '.join(sorted(map(name, raw_parents)))} and models",
                )
            )
        if not parents[uid]:
            found.append(Finding("root_models", model["name"]))
        for prefix, folders in PREFIX_FOLDERS.items():
            if model["name"].startswith(prefix) and not model["original_file_path"].startswith(folders):
                found.append(Finding("model_directories", f"{model['name']} is not in {' or '.join(folders)}"))
        if not model.get("description", "").strip():
            found.append(Finding("undocumented_models", model["name"]))
        access = model.get("access") or model["config"].get("access")
        if access == "public" and not model["config"].get("contract", {}).get("enforced"):
            found.append(Finding("public_models_without_contract", model["name"]))
        # parent -> model -> child and parent -> child, where the model has no other child.
        if len(children[uid]) == 1:
            (child,) = children[uid]
            for parent in parents[uid]:
                if parent in parents.get(child, []):
                    found.append(
                        Finding("rejoining_of_upstream_concepts", f"{name(parent)} -> {model['name']} -> {name(child)}")
                    )
    for uid, source in nodes.items():
        if source["resource_type"] != "source":
            continue
        if not source.get("description", "").strip():
            found.append(Finding("undocumented_source_tables", name(uid)))
        if not children[uid]:
            found.append(Finding("unused_sources", name(uid)))
        freshness = source.get("freshness") or {}
        if not (freshness.get("warn_after", {}) or {}).get("count") and not (
            freshness.get("error_after", {}) or {}
        ).get("count"):
            found.append(Finding("sources_without_freshness", name(uid)))
    for exposure in manifest.get("exposures", {}).values():
        if exposure.get("package_name") != project:
            continue
        for parent in exposure["depends_on"]["nodes"]:
            node = models.get(parent)
            if node and (node.get("access") or node["config"].get("access")) != "public":
                found.append(
                    Finding("exposures_dependent_on_private_models", f"{exposure['name']} reads {node['name']}")
                )
    return sorted(set(found))


def longest_chain(manifest: dict) -> int:
    """The number of models on the longest path through the model graph."""
    project = manifest["metadata"].get("project_name")
    models = {
        uid: node
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["package_name"] == project
    }

    @cache
    def depth(uid: str) -> int:
        return 1 + max((depth(p) for p in models[uid]["depends_on"]["nodes"] if p in models), default=0)

    return max((depth(uid) for uid in models), default=0)


def load_exceptions(path: Path) -> dict[Finding, str]:
    entries = json.loads(path.read_text(encoding="utf-8"))["exceptions"]
    unknown = sorted({entry["rule"] for entry in entries} - set(RULES))
    if unknown:
        raise SystemExit(f"error: {path} names unknown rules: {', '.join(unknown)}")
    return {Finding(entry["rule"], entry["subject"]): entry["reason"] for entry in entries}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, default=Path("target/manifest.json"))
    parser.add_argument("--exceptions", type=Path, default=Path("lint/evaluator_exceptions.json"))
    args = parser.parse_args(argv)
    manifest = json.loads(args.manifest.read_text(encoding="utf-8"))
    allowed = load_exceptions(args.exceptions)
    found = findings(manifest)
    edges = sum(
        1
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        for parent in node["depends_on"]["nodes"]
        if parent.split(".")[0] in ("model", "seed", "source")
    )
    print(f"graph: {edges} edges into models, longest chain {longest_chain(manifest)} models")
    failures = 0
    for finding in found:
        if finding in allowed:
            print(f"allowed  {finding.rule}: {finding.subject}\n         reason: {allowed[finding]}")
        else:
            failures += 1
            print(f"error    {finding.rule}: {finding.subject} ({RULES[finding.rule]})", file=sys.stderr)
    for stale in sorted(set(allowed) - set(found)):
        failures += 1
        print(
            f"error    {stale.rule}: {stale.subject} no longer fires: delete its exception from {args.exceptions}",
            file=sys.stderr,
        )
    print(
        f"{len(found)} findings, {sum(f in allowed for f in found)} allowed by documented exceptions, {failures} errors"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
