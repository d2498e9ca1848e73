"""The options of fit and Model are the library's option table, as the CLI prints it."""

import ast
import inspect
import subprocess
from pathlib import Path

import spikeae

STUB = Path(spikeae.__file__).with_name("__init__.pyi")


def table_rows(cli):
    """(name, TYPE, default text) of each row of ``spikeae options --markdown``."""
    markdown = subprocess.run([cli, "options", "--markdown"], check=True, capture_output=True,
                              text=True).stdout
    rows = []
    for line in markdown.splitlines():
        if line.startswith("| `"):
            cells = [cell.strip() for cell in line.strip("|").split(" | ")]
            rows.append((cells[0].split("`")[1], cells[2], cells[3]))
    return rows


def python_value(type_name, text):
    if text == "none":
        return None
    if type_name == "FLOAT":
        return float(text)
    if type_name in ("INT", "UINT"):
        return int(text)
    if type_name in ("NAME", "SPEC"):
        return text
    assert type_name == "BOOL", type_name
    return {"true": True, "false": False}[text]


def table_defaults(cli):
    return {name: python_value(kind, text) for name, kind, text in table_rows(cli)}


def keyword_defaults(function, names):
    parameters = inspect.signature(function).parameters
    return {name: parameters[name].default for name in names}


def test_fit_and_model_take_exactly_the_tables_options_with_its_defaults(cli):
    table = table_defaults(cli)
    assert len(table) == 24
    assert spikeae.option_defaults() == table
    assert list(spikeae.option_defaults()) == list(table)  # the table's order
    model = list(inspect.signature(spikeae.Model).parameters)
    assert model == list(table) + ["input_size"]
    fit = list(inspect.signature(spikeae.fit).parameters)
    assert fit[-len(table):] == list(table)
    assert keyword_defaults(spikeae.fit, table) == table
    for name, value in table.items():
        assert type(keyword_defaults(spikeae.Model, [name])[name]) is type(value), name


def test_docstrings_list_every_option_with_its_default(cli):
    for name, value in table_defaults(cli).items():
        line = f"{name} (default {value!r}): "
        assert line in spikeae.fit.__doc__, name
        assert line in spikeae.Model.__doc__, name


def test_paper_columns_are_the_tables_paper_rows(cli):
    markdown = subprocess.run([cli, "options", "--markdown"], check=True, capture_output=True,
                              text=True).stdout
    paper = [line.split("`")[1] for line in markdown.splitlines() if "(*paper*)" in line]
    assert paper == spikeae.hyperparameter_names()


def test_the_generated_stub_lists_the_tables_options_in_order(cli):
    tree = ast.parse(STUB.read_text())
    fit = next(node for node in tree.body if isinstance(node, ast.FunctionDef)
               and node.name == "fit")
    names = [argument.arg for argument in fit.args.kwonlyargs]
    table = list(table_defaults(cli))
    assert names[-len(table):] == table
    assert "@OPTIONS@" not in STUB.read_text()
