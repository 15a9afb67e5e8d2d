"""Classes named by a ``class_path`` in a checkpoint, a sweep or an experiment file: built only
from one registry of exact names, with an error that names where the name came from.

A checkpoint is a file people download and share, and its hyperparameters name the code to
build; importing a module can run code, and some classes run text they are given (a
``torch_geometric.nn.Sequential`` evaluates its ``input_args``). So a name is turned into a class
only when it is registered exactly:
* the project's networks and data module (under the name they are defined at and the public one,
  e.g. ``glass_lightning.models.SE3Net`` and ``glass_lightning.models.se3.SE3Net``),
* torch's optimizers (``torch.optim.Adam``) and learning-rate schedulers
  (``torch.optim.lr_scheduler.CosineAnnealingLR``),
* classes a user registers in code (:func:`register`), or, as an explicit setting, classes of the
  modules named in the environment variable ``GLASS_LIGHTNING_TRUSTED_MODULES`` (comma-separated,
  e.g. ``mylab`` for ``mylab.networks.Net``),
and it is a subclass of the ``base`` its place expects (``nn.Module`` for a network). Nothing else
is imported, whatever the program has imported already.

:class:`Network` is the same gate as a type: the networks it builds (the LightningCLI's ``--model.model``,
whose help lists them and which takes them by short name, ``SE3Net``).
"""

from __future__ import annotations

import abc
import functools
import importlib
import inspect
import json
import os

import torch
from torch import nn

from glass_lightning.errors import GlassDataError

TRUSTED_MODULES_VARIABLE = "GLASS_LIGHTNING_TRUSTED_MODULES"

_REGISTERED: dict[str, type] = {}  # classes registered in code by users (register)


def register(cls: type, *names: str) -> type:
    """Let files name ``cls`` by its defining path and by each of ``names`` (e.g. a public alias)."""
    for name in (f"{cls.__module__}.{cls.__qualname__}", *names):
        _REGISTERED[name] = cls
    return cls


def _classes_of(module, base: type) -> dict[str, type]:
    """``{module.Name: class}`` for the public ``base`` subclasses a module offers."""
    return {
        f"{module.__name__}.{name}": value
        for name, value in vars(module).items()
        if not name.startswith("_") and inspect.isclass(value) and issubclass(value, base) and value is not base
    }


@functools.cache
def _project_registry() -> dict[str, type]:
    """The project's classes and torch's optimizers and schedulers, by every name a config uses for them."""
    import glass_lightning.models as networks
    from glass_lightning.data.datamodule import GlassDataModule
    from glass_lightning.training.module import GlassModule

    registry = {}
    for cls, public in [(getattr(networks, name), "glass_lightning.models") for name in networks.__all__] + [
        (GlassDataModule, None),
        (GlassModule, None),
    ]:
        if inspect.isclass(cls):
            registry[f"{cls.__module__}.{cls.__qualname__}"] = cls
            if public:
                registry[f"{public}.{cls.__qualname__}"] = cls
    registry.update(_classes_of(torch.optim, torch.optim.Optimizer))
    registry.update(_classes_of(torch.optim.lr_scheduler, torch.optim.lr_scheduler.LRScheduler))
    return registry


def registered_names() -> list[str]:
    """Every name a file may give a class by (user-trusted modules aside)."""
    return sorted({**_project_registry(), **_REGISTERED})


def _user_trusted(module_name: str) -> bool:
    trusted = [name.strip() for name in os.environ.get(TRUSTED_MODULES_VARIABLE, "").split(",") if name.strip()]
    return any(module_name == name or module_name.startswith(f"{name}.") for name in trusted)


def _refuse(class_path: object, source: str, field: str, why: str) -> GlassDataError:
    return GlassDataError(
        source,
        field,
        f"refusing {class_path!r}: {why}; a file may name only the project's networks and data module, torch's "
        f"optimizers and schedulers, classes registered with glass_lightning.class_paths.register, or classes of "
        f"modules you trust in {TRUSTED_MODULES_VARIABLE}",
    )


def class_from_path(
    class_path: object, source: str = "<config>", field: str = "class_path", base: type = object
) -> type:
    """The class registered (or in a user-trusted module) as ``class_path``, refused unless a ``base`` subclass."""
    if not isinstance(class_path, str):
        raise _refuse(class_path, source, field, "a class name is a string")
    module_name, _, class_name = class_path.rpartition(".")
    loaded = _REGISTERED.get(class_path) or _project_registry().get(class_path)
    if loaded is None:
        if not _user_trusted(module_name):
            raise _refuse(class_path, source, field, "not a registered class")
        try:
            loaded = getattr(importlib.import_module(module_name), class_name)
        except (ImportError, AttributeError, ValueError) as error:
            raise GlassDataError(source, field, f"cannot import {class_path!r}: {error}") from None
        if not inspect.isclass(loaded):
            raise _refuse(class_path, source, field, "it is not a class")
    if not issubclass(loaded, base):
        raise _refuse(class_path, source, field, f"expected a subclass of {base.__module__}.{base.__qualname__}")
    return loaded


def instantiate(config: dict, base: type, source: str = "<config>", field: str = "class_path"):
    """``class_path(**init_args)`` of a ``{class_path, init_args}`` config, ``class_path`` a ``base`` subclass."""
    cls = class_from_path(config["class_path"], source, field, base)
    init_args = config.get("init_args", {})
    if not isinstance(init_args, dict):
        raise GlassDataError(
            source, "init_args", f"expected a mapping of {cls.__name__}'s arguments, got {init_args!r}"
        )
    try:
        inspect.signature(cls).bind(**init_args)
    except TypeError as error:
        raise GlassDataError(source, "init_args", f"{cls.__name__} does not take these arguments: {error}") from None
    return cls(**init_args)


_INSTANCES: dict[str, object] = {}  # per process: config -> what it built


def cached_instance(config: dict, base: type, source: str = "<config>", field: str = "class_path"):
    """:func:`instantiate`, built once per process for equal configs (e.g. a data module every fit shares)."""
    key = json.dumps([config, base.__module__, base.__qualname__], sort_keys=True, default=str)
    if key not in _INSTANCES:
        _INSTANCES[key] = instantiate(config, base, source, field)
    return _INSTANCES[key]


def _builds_network(cls: type) -> bool:
    """True when the gate builds ``cls`` by its name as a network: an ``nn.Module`` that is not a LightningModule."""
    from lightning.pytorch import LightningModule

    try:
        class_from_path(f"{cls.__module__}.{cls.__qualname__}", base=nn.Module)
    except GlassDataError:
        return False
    return not issubclass(cls, LightningModule)


class _NetworkMeta(abc.ABCMeta):
    def __subclasscheck__(cls, subclass: type) -> bool:
        return inspect.isclass(subclass) and _builds_network(subclass)

    def __instancecheck__(cls, instance: object) -> bool:
        return cls.__subclasscheck__(type(instance))

    def __subclasses__(cls) -> list[type]:
        """The networks registered by name (the classes of user-trusted modules are not listed: none is imported)."""
        registered = {id(each): each for each in {**_project_registry(), **_REGISTERED}.values()}
        return [each for each in registered.values() if inspect.isclass(each) and _builds_network(each)]


class Network(metaclass=_NetworkMeta):
    """A network of ``forward(data) -> (N, num_outputs)`` that a config may name: one the gate builds (module doc).

    As a type hint (GlassModule's ``model``) it lets jsonargparse list exactly those networks, resolve their
    short names (``class_path: SE3Net``) and refuse any other class; it is never built itself."""

    @abc.abstractmethod
    def forward(self, data): ...
