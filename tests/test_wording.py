# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Names say what things do, and code and docs say what is, not what was.

- No identifier (module, class, function, argument, keyword, attribute,
  variable) and no option value (a string in a config, a default value of
  a function argument) names "the authors' code": options are named after what
  they do; the docs say where each default comes from.
- No comment, docstring or page narrates history ("first version",
  "this version", "corrected in review", ...) or carries a date stamp.
"""
import ast
import re

import pytest
from conftest import ROOT

PY_TREES = ['tdmi_mmpose', 'tdmi_research', 'tools', 'configs', 'tests']
TEXT = [
    *[p for tree in PY_TREES for p in (ROOT / tree).rglob('*.py')],
    *(ROOT / 'docs').glob('*.md'), ROOT / 'README.md', ROOT / 'run.py',
    ROOT / 'setup.py'
]
HISTORY = re.compile(
    r'first version|this version|corrected in review|review \d|used to be|'
    r'no longer|formerly|previously|now in the|earlier version|'
    r'20\d\d-\d\d-\d\d', re.I)


def _names(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node,
                      (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.name
        elif isinstance(node, ast.Name):
            yield node.id
        elif isinstance(node, ast.Attribute):
            yield node.attr
        elif isinstance(node, ast.arg):
            yield node.arg
        elif isinstance(node, ast.keyword) and node.arg:
            yield node.arg
        elif isinstance(node, ast.alias):
            yield node.asname or node.name


def _option_values(path, tree: ast.AST):
    """Strings of a config; default values of function arguments."""
    if path.is_relative_to(ROOT / 'configs'):
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield node.value
    for node in ast.walk(tree):
        if isinstance(node, ast.arguments):
            for d in [*node.defaults, *node.kw_defaults]:
                if isinstance(d, ast.Constant) and isinstance(d.value, str):
                    yield d.value


def _offenders(paths):
    found = []
    for path in paths:
        tree = ast.parse(path.read_text())
        for word in [*_names(tree), *_option_values(path, tree)]:
            if 'lineage' in word.lower():
                found.append(f'{path}: {word!r}')
    return found


def test_no_identifier_or_option_value_names_the_authors_code():
    paths = [p for tree in PY_TREES for p in (ROOT / tree).rglob('*.py')]
    assert _offenders([p for p in paths if p.name != 'test_wording.py']) == []


def test_the_identifier_check_finds_one(tmp_path):
    """Positive control: each kind of name it reads is caught."""
    probe = tmp_path / 'probe.py'
    probe.write_text('def lineage_init_(m, edge="lineage"):\n'
                     '    return m.lineage_flag\n')
    assert len(_offenders([probe])) == 3


@pytest.mark.parametrize('path', TEXT, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_history_in_code_or_docs(path):
    lines = [
        f'{i}: {line.strip()}'
        for i, line in enumerate(path.read_text().splitlines(), 1)
        if HISTORY.search(line)
    ]
    if path.name == 'test_wording.py':
        return  # the pattern itself
    assert lines == []


def test_the_history_check_finds_one():
    assert HISTORY.search('keeps the first version')
    assert HISTORY.search('2 threads; 2026-11-25, this version')
    assert not HISTORY.search('the first frame of the version string')
