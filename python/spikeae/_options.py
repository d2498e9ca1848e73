"""Model and training options, named and defaulted as the ``spikeae train`` flags.

The paper's 13 hyperparameter columns keep their column names
(``learning_rate``, ``n_hidden``, ``noise_factor_ae``, ...). The options outside
the paper's table are ``preset``, ``preset_file``, ``layer_sizes``, ``inverted``
(the CLI's ``--non-inverted`` reversed), ``neuron_kind``, ``epochs``, ``threads``,
``gradient_shards`` and ``seed``.

Options apply in the CLI's order: the library defaults, then ``preset`` or
``preset_file``, then each column option that was *given*, so a column option
left out keeps the preset's value. ``layer_sizes`` sets deeper stacks; as in the
CLI, ``n_hidden`` (given or from the preset) sets their middle layer.
"""

from __future__ import annotations

import difflib
import inspect
import operator
import os
from typing import Any, Dict, Iterable, List, Mapping, Optional

from . import _core

SpikeaeError = _core.SpikeaeError

#: The paper's hyperparameter columns, in the order of its table.
HYPERPARAMETER_NAMES: tuple = tuple(_core.hyperparameter_names())

#: Defaults of the options outside the paper's table (those of ``spikeae train``).
#: The library's defaults of ``spikeae train`` outside the paper's table.
RUN_DEFAULTS: Dict[str, Any] = dict(_core.run_defaults())

EXTRA_DEFAULTS: Dict[str, Any] = {
    "preset": None,
    "preset_file": None,
    "layer_sizes": None,
    "inverted": True,
    "neuron_kind": "alpha",
    "epochs": RUN_DEFAULTS["epochs"],
    "threads": RUN_DEFAULTS["threads"],
    "gradient_shards": RUN_DEFAULTS["gradient_shards"],
    "seed": RUN_DEFAULTS["seed"],
}

_EXTRA_DOCS = {
    "preset": "(noise, latency, hidden): the paper's tuned row for that condition",
    "preset_file": "a tab-separated table with one row (paper column names)",
    "layer_sizes": "deeper stacks, e.g. [784, 128, 32, 128, 784] or '784,128,32,128,784'",
    "inverted": "encode brightness b as spike time 1 - b (False: as b)",
    "neuron_kind": "membrane potential kernel: 'alpha' or 'exponential' (docs/model.md 1.4)",
    "epochs": "training epochs",
    "threads": "worker threads (0: all cores); results do not depend on it",
    "gradient_shards": "fixed partial sums per batch; results depend on this, not on threads",
    "seed": "seed of weights, noise, split and shuffling",
}

_UINT64_LIMIT = 1 << 64


def default_hyperparameters() -> Dict[str, Any]:
    """The library's default row: the paper's noise 0, latency 1, hidden 32 row.

    Returns:
        dict mapping each of the 13 paper column names to its default value.
    """
    return _core.default_hyperparameters()


def option_defaults() -> Dict[str, Any]:
    """Every model option with its default: the 13 paper columns, then the others."""
    defaults = dict(default_hyperparameters())
    defaults.update(EXTRA_DEFAULTS)
    return defaults


def option_docs() -> str:
    """One line per option with its default, for docstrings and ``help()``."""
    lines = []
    for name, value in default_hyperparameters().items():
        lines.append(f"        {name} (default {value!r}): {_core.hyperparameter_help(name)}")
    for name, value in EXTRA_DEFAULTS.items():
        lines.append(f"        {name} (default {value!r}): {_EXTRA_DOCS[name]}")
    return "\n".join(lines)


def keyword_parameters(defaults: Mapping[str, Any]) -> List[inspect.Parameter]:
    """Keyword-only parameters showing these defaults in ``inspect.signature``."""
    return [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=value)
        for name, value in defaults.items()
    ]


def check_names(given: Iterable[str], accepted: Iterable[str], function: str) -> None:
    """Raises TypeError, as Python does, for an unknown keyword (with a suggestion)."""
    accepted = list(accepted)
    for name in given:
        if name not in accepted:
            close = difflib.get_close_matches(name, accepted, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise TypeError(f"{function}() got an unexpected keyword argument {name!r}{hint}")


def _integer(name: str, value: Any, low: int, high: Optional[int] = None) -> int:
    if isinstance(value, bool):
        raise SpikeaeError(f"invalid {name}: must be an integer, got a bool")
    try:
        number = operator.index(value)
    except TypeError:
        raise SpikeaeError(f"invalid {name}: must be an integer, got {value!r}") from None
    if number < low or (high is not None and number > high):
        bound = f"in [{low}, {high}]" if high is not None else f">= {low}"
        raise SpikeaeError(f"invalid {name}: must be an integer {bound}, got {number}")
    return number


def parse_layer_sizes(value: Any) -> Optional[List[int]]:
    """``None``, a sequence of ints, or the CLI's text form ``'784,128,32,128,784'``."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return [int(part) for part in value.split(",")]
        except ValueError:
            raise SpikeaeError(
                f'invalid layer_sizes "{value}": expected integers separated by commas'
            ) from None
    return [_int32("layer_sizes", size) for size in value]


def _preset(value: Any):
    if value is None:
        return None
    try:
        noise, latency, hidden = value
    except (TypeError, ValueError):
        raise SpikeaeError(
            f"invalid preset: expected (noise, latency, hidden), e.g. (0.2, 1, 32), got {value!r}"
        ) from None
    return (float(noise), float(latency), _integer("preset hidden", hidden, 1))


def resolve(options: Mapping[str, Any], *, input_size: Optional[int] = None,
            base: Optional[Any] = None) -> Any:
    """Options (only those given) as a validated ``_core.TrainingConfig``.

    Without ``base``, options left out take the CLI's defaults. With ``base`` (the
    config of a model whose training continues), they keep the model's values;
    the architecture and the neuron cannot change then.
    """
    given = {name: options[name] for name in HYPERPARAMETER_NAMES if name in options}
    extras = {name: options.get(name, None if base is not None else default)
              for name, default in EXTRA_DEFAULTS.items()}
    if base is not None:
        fixed = [name for name in ("preset", "preset_file", "layer_sizes", "inverted")
                 if options.get(name) is not None]
        if fixed:
            raise SpikeaeError(
                f"{', '.join(fixed)} cannot be given when a model's training continues")
    preset_file = extras["preset_file"]
    threads = extras["threads"]
    gradient_shards = extras["gradient_shards"]
    seed = extras["seed"]
    epochs = extras["epochs"]
    # Ranges are checked by the library (the same messages as the CLI); here only
    # that the values fit the C++ types.
    config = _core.resolve_config(
        base,
        _preset(extras["preset"]),
        os.fspath(preset_file) if preset_file is not None else None,
        given,
        parse_layer_sizes(extras["layer_sizes"]),
        None if input_size is None else _int32("input size", input_size),
        None if extras["inverted"] is None else bool(extras["inverted"]),
        None if epochs is None else _int32("epochs", epochs),
        None if threads is None else _int32("threads", threads),
        None if gradient_shards is None else _int32("gradient_shards", gradient_shards),
        None if seed is None else _integer("seed", seed, 0, _UINT64_LIMIT - 1),
    )
    if extras["neuron_kind"] is not None:
        config = _core.with_neuron_kind(config, str(extras["neuron_kind"]), base is not None)
    return config


def _int32(name: str, value: Any) -> int:
    return _integer(name, value, -(1 << 31), (1 << 31) - 1)
