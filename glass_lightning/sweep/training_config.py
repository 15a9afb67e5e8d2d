"""Training configs (the YAML that ``lightning fit --config`` reads) as plain nested dicts."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from glass_lightning.errors import GlassDataError


def merge(base: dict, update: dict) -> dict:
    """``update`` over ``base``, recursively for mappings (as repeated ``--config`` files do);
    a different ``class_path`` replaces the whole entry."""
    merged = copy.deepcopy(base)
    for key, value in update.items():
        old = merged.get(key)
        replaces_class = isinstance(value, dict) and isinstance(old, dict) and value.get("class_path", old.get("class_path")) != old.get("class_path")
        if isinstance(value, dict) and isinstance(old, dict) and not replaces_class:
            merged[key] = merge(old, value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def load_configs(paths: list[Path]) -> dict:
    config: dict = {}
    for path in paths:
        if not path.is_file():
            raise GlassDataError(str(path), "base_config", "the training config file does not exist")
        content = yaml.safe_load(path.read_text()) or {}
        if not isinstance(content, dict):
            raise GlassDataError(str(path), "<root>", f"expected a mapping, got {type(content).__name__}")
        config = merge(config, content)
    return config


def get_path(config: dict, path: str, default: Any = None) -> Any:
    node: Any = config
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node


def set_path(config: dict, path: str, value: Any) -> None:
    """Set the dotted ``path`` in place, creating the mappings on the way."""
    *parents, leaf = path.split(".")
    node = config
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value


def with_values(config: dict, values: dict[str, Any]) -> dict:
    """A copy of ``config`` with each dotted path of ``values`` set."""
    updated = copy.deepcopy(config)
    for path, value in values.items():
        set_path(updated, path, value)
    return updated


def write_config(path: Path, config: dict, header: str) -> Path:
    """Write ``config`` as YAML under a comment ``header``, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    comment = "".join(f"# {line}\n" for line in header.splitlines())
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(comment + yaml.safe_dump(config, sort_keys=False))
    temporary.replace(path)
    return path
