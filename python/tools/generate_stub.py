"""Writes spikeae/__init__.pyi from its template: each line holding only
``@OPTIONS@`` becomes one keyword parameter per entry of the option table, with
the table's type and default, indented like the marker.

Usage: generate_stub.py TEMPLATE OUTPUT PACKAGE_DIR (the folder holding _core).
"""

import sys

MARKER = "@OPTIONS@"

# The table's types as the stub spells them (aliases defined in the template).
ANNOTATIONS = {
    "int": "int",
    "uint64": "int",
    "float": "float",
    "bool": "bool",
    "int list": "Optional[_LayerSizes]",
    "preset": "Optional[_Preset]",
    "path": "Optional[_PathLike]",
    "choice": "str",
    "text": "str",
}


def option_lines(options, indent):
    return [f"{indent}{o['name']}: {ANNOTATIONS[o['type']]} = {o['default']!r},\n"
            for o in options]


def render(template, options):
    out = []
    for line in template.splitlines(keepends=True):
        if line.strip() == MARKER:
            out.extend(option_lines(options, line[:line.index(MARKER)]))
        else:
            out.append(line)
    return "".join(out)


def main():
    template_path, output_path, package_dir = sys.argv[1:4]
    sys.path.insert(0, package_dir)
    import _core  # the freshly built module, loaded on its own (not the package)

    with open(template_path, encoding="utf-8") as template:
        text = render(template.read(), _core.option_table())
    with open(output_path, "w", encoding="utf-8") as output:
        output.write(text)


if __name__ == "__main__":
    main()
