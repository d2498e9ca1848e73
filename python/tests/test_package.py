"""The package itself: exports, docstrings, type stubs."""

import ast
import inspect
from pathlib import Path

import spikeae

STUB = Path(spikeae.__file__).with_name("__init__.pyi")


def public_callables():
    for name in spikeae.__all__:
        value = getattr(spikeae, name)
        if callable(value):
            yield name, value


def test_every_export_exists_and_is_documented():
    assert spikeae.__version__
    for name, value in public_callables():
        assert inspect.getdoc(value), f"{name} has no docstring"
    for name, member in inspect.getmembers(spikeae.Model):
        if not name.startswith("_"):
            assert inspect.getdoc(member), f"Model.{name} has no docstring"


def stub_functions():
    tree = ast.parse(STUB.read_text())
    found = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            found[node.name] = node
        elif isinstance(node, (ast.AnnAssign,)) and isinstance(node.target, ast.Name):
            found[node.target.id] = node
    return found


def stub_defaults(function: ast.FunctionDef):
    arguments = function.args
    positional = arguments.args[len(arguments.args) - len(arguments.defaults):]
    names = [a.arg for a in positional] + [a.arg for a in arguments.kwonlyargs]
    values = list(arguments.defaults) + list(arguments.kw_defaults)
    return {name: ast.literal_eval(value) for name, value in zip(names, values)
            if value is not None}


def runtime_defaults(function):
    return {name: p.default for name, p in inspect.signature(function).parameters.items()
            if p.default is not inspect.Parameter.empty}


def test_stubs_cover_the_api_with_the_runtime_defaults():
    stubs = stub_functions()
    missing = [name for name in spikeae.__all__ if name not in stubs]
    assert not missing, f"not in {STUB.name}: {missing}"
    init = next(node for node in stubs["Model"].body
                if isinstance(node, ast.FunctionDef) and node.name == "__init__")
    assert stub_defaults(init) == runtime_defaults(spikeae.Model)
    assert list(stub_defaults(init)) == list(runtime_defaults(spikeae.Model))
    assert stub_defaults(stubs["fit"]) == runtime_defaults(spikeae.fit)
    for name in ("encode_images", "split_train_validation", "write_image_grid", "locate_dataset"):
        assert stub_defaults(stubs[name]) == runtime_defaults(getattr(spikeae, name)), name


def test_the_namespace_holds_only_the_public_api():
    names = set(dir(spikeae))
    assert set(spikeae.__all__) <= names
    leaked = {name for name in names
              if name not in spikeae.__all__ and not (name.startswith("__") and name.endswith("__"))
              and name not in ("search", "paper", "plot")}
    assert not leaked, f"not part of the API: {sorted(leaked)}"
    for name in ("annotations", "np", "os", "_core", "_data", "_model"):
        assert name not in names, name
