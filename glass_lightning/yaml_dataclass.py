"""YAML files whose keys are a dataclass's fields (``sweep``, ``reproduce``, ``simulate``): one reader, so
that a missing or unreadable file, one that is not a mapping and an unknown key read the same in every
command, each a :class:`~glass_lightning.errors.GlassDataError` naming the file and the key."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import Field, fields
from pathlib import Path
from typing import Any

import yaml

from glass_lightning.errors import GlassDataError

DEFAULTS_SOURCE = "<defaults>"  # the source named by errors when no file is read


def source_name(path: str | os.PathLike | None) -> str:
    """What errors call the file at ``path``: its path, or ``<defaults>`` when no file is read."""
    return DEFAULTS_SOURCE if path is None else str(path)


def file_fields(cls: type) -> list[Field]:
    """The fields of the dataclass ``cls`` that a file sets: those of ``__init__``, less ``source`` (its path)."""
    return [each for each in fields(cls) if each.init and each.name != "source"]


def read_mapping(path: str | os.PathLike, kind: str) -> dict[str, Any]:
    """The mapping in the YAML file at ``path`` (the ``kind`` file, as errors call it); an empty file is {}."""
    source = str(path)
    if not Path(path).is_file():
        raise GlassDataError(source, "<file>", f"the {kind} file does not exist")
    try:
        raw = yaml.safe_load(Path(path).read_text()) or {}
    except yaml.YAMLError as error:
        raise GlassDataError(source, "<file>", f"not valid YAML: {' '.join(str(error).split())}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise GlassDataError(source, "<file>", f"unreadable ({type(error).__name__}: {error})") from None
    if not isinstance(raw, dict):
        raise GlassDataError(source, "<root>", "expected a mapping")
    return raw


def read_fields(
    path: str | os.PathLike | None, cls: type, kind: str, overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The keys of the YAML file at ``path`` (none when None), then ``overrides``: field name -> value of the
    dataclass ``cls`` (:func:`file_fields`); an unknown key is refused, naming the file (or ``<defaults>``)."""
    values = ({} if path is None else read_mapping(path, kind)) | dict(overrides or {})
    names = sorted(each.name for each in file_fields(cls))
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise GlassDataError(source_name(path), unknown[0], f"unknown key; expected some of {names}")
    return values
