"""Model and training options, from the library's option table (the one that
makes the ``spikeae train`` flags; ``spikeae options`` prints it).

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

#: Every model and training option, from the library's option table: dicts with
#: name, flag, type, default, accepted, help, paper_column and concern.
OPTION_TABLE: tuple = tuple(_core.option_table())

#: The paper's hyperparameter columns, in the order of its table.
HYPERPARAMETER_NAMES: tuple = tuple(o["name"] for o in OPTION_TABLE if o["paper_column"])

#: The library's defaults of ``spikeae train`` outside the paper's table.
RUN_DEFAULTS: Dict[str, Any] = dict(_core.run_defaults())

# Options set one value at a time outside the paper's table (inverted, epochs, seed, ...);
# preset, preset_file and layer_sizes choose the row or the stack instead.
_RUN_TYPES = ("int", "uint64", "bool", "choice", "text")
_RUN_OPTIONS = tuple(o for o in OPTION_TABLE if not o["paper_column"] and o["type"] in _RUN_TYPES)

_UINT64_LIMIT = 1 << 64


def default_hyperparameters() -> Dict[str, Any]:
    """The library's default row: the paper's noise 0, latency 1, hidden 32 row.

    Returns:
        dict mapping each of the 13 paper column names to its default value.
    """
    return _core.default_hyperparameters()


def option_defaults() -> Dict[str, Any]:
    """Every model option with its default: the 13 paper columns, then the others."""
    return {option["name"]: option["default"] for option in OPTION_TABLE}


def option_docs() -> str:
    """One line per option with its default and accepted values, for docstrings."""
    lines = []
    for option in OPTION_TABLE:
        accepted = f"; {option['accepted']}" if option["accepted"] else ""
        lines.append(f"        {option['name']} (default {option['default']!r}): "
                     f"{option['help']}{accepted}")
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
    if base is not None:
        fixed = [name for name in ("preset", "preset_file", "layer_sizes", "layers",
                                   "architecture", "inverted", "neuron_kind")
                 if options.get(name) is not None]
        if fixed:
            raise SpikeaeError(
                f"{', '.join(fixed)} cannot be given when a model's training continues")
    run = {option["name"]: _run_value(option, options[option["name"]])
           for option in _RUN_OPTIONS if options.get(option["name"]) is not None}
    preset_file = options.get("preset_file")
    # Ranges are checked by the library (the same messages as the CLI); here only
    # that the values fit the C++ types. Options left out keep the defaults (or base's).
    return _core.resolve_config(
        base,
        _preset(options.get("preset")),
        os.fspath(preset_file) if preset_file is not None else None,
        given,
        parse_layer_sizes(options.get("layer_sizes")),
        None if input_size is None else _int32("input size", input_size),
        run,
    )


def _run_value(option: Mapping[str, Any], value: Any) -> Any:
    """A run option's value as its C++ type takes it."""
    if option["type"] == "bool":
        return bool(value)
    if option["type"] in ("choice", "text"):
        if not isinstance(value, str):
            what = "a name" if option["type"] == "choice" else "text such as 'local:98,dense'"
            raise SpikeaeError(f"invalid {option['name']}: expected {what}, got {value!r}")
        return value
    if option["type"] == "uint64":
        return _integer(option["name"], value, 0, _UINT64_LIMIT - 1)
    return _int32(option["name"], value)


def _int32(name: str, value: Any) -> int:
    return _integer(name, value, -(1 << 31), (1 << 31) - 1)
