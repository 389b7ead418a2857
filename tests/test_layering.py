# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Lower floors never import higher ones: ``posetrack_format`` imports no other
subpackage, ``datasets`` never imports ``evaluation``, ``models`` or
``apis``; ``models`` and ``evaluation`` never import ``apis``; ``codecs``
(keypoint encodings, as ``mmpose.codecs``) imports none of the others;
nothing but ``analysis`` (research helpers, the top floor) imports
``analysis``."""
import ast

import pytest
from conftest import ROOT

PKG = ROOT / 'tdmi_mmpose'
FORBIDDEN = {
    'posetrack_format':
    {'datasets', 'evaluation', 'models', 'apis', 'utils', 'analysis'},
    'datasets': {'evaluation', 'models', 'apis', 'analysis'},
    'evaluation': {'models', 'apis', 'analysis'},
    'models': {'evaluation', 'apis', 'analysis'},
    'engine': {'datasets', 'evaluation', 'models', 'apis', 'analysis'},
    'codecs':
    {'datasets', 'evaluation', 'models', 'apis', 'engine', 'analysis'},
    'apis': {'analysis'},
    'utils': {'analysis'},
}


def _imported_subpackages(path):
    """tdmi_mmpose subpackages a module imports (absolute or relative)."""
    rel = path.relative_to(PKG).parts
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                # resolve '..x' against the module's own package
                base = list(rel[:-1])[:len(rel) - node.level]
                target = base + (node.module.split('.') if node.module else [])
            elif (node.module or '').startswith('tdmi_mmpose'):
                target = node.module.split('.')[1:]
            else:
                continue
            if target:
                found.add(target[0])
            else:  # 'from .. import x'
                found.update(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith('tdmi_mmpose.'):
                    found.add(alias.name.split('.')[1])
    return found


@pytest.mark.parametrize('floor', sorted(FORBIDDEN))
def test_floor_does_not_import_higher_ones(floor):
    for path in (PKG / floor).rglob('*.py'):
        bad = _imported_subpackages(path) & FORBIDDEN[floor]
        assert not bad, f'{path.relative_to(ROOT)} imports {sorted(bad)}'
