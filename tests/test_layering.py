# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Lower floors never import higher ones. ``ALLOWED`` is the whole table:
each subpackage may import only the subpackages listed for it (and itself),
each arrow with its reason; the root's leaf modules (``version``,
``supported``) import nothing of the package and anyone may import them.
The package root (``import tdmi_mmpose``, ``from tdmi_mmpose import x``,
``from .. import x`` reaching the root) imports every subpackage, so no
subpackage may import it. The checkout's research code (``tdmi_research``,
not installed) sits above the whole package: nothing in it imports it."""
import ast

import pytest
from conftest import ROOT

PKG = ROOT / 'tdmi_mmpose'
ROOT_IMPORT = '<the package root>'
LEAVES = {'version', 'supported'}
# floor -> {subpackage it may import: why}
ALLOWED = {
    # file formats: tables, readers, writers; the lowest floor
    'posetrack_format': {},
    # keypoint encodings, as mmpose.codecs
    'codecs': {},
    # checkpoint loading, MMPose's tools, registry listing
    'utils': {},
    # hooks and optimiser wrappers, as mmengine's
    'engine': {},
    # the datasets read the annotation formats
    'datasets': {
        'posetrack_format': 'reads PoseTrack and HiEve files'
    },
    # models read nothing from disk but checkpoints
    'models': {},
    # the metrics read ground truth and write predictions in the formats
    'evaluation': {
        'posetrack_format': 'reads ground truth, writes predictions'
    },
    # inference and the video tool: models on frames, boxes read, outputs
    # written and scored
    'apis': {
        'models': 'runs the estimator',
        'datasets': "the datasets' frame reader and box checks",
        'evaluation': 'scores a written sequence',
        'posetrack_format': 'frame keys, track-id range, files',
    },
}


def _imported(path) -> set:
    return _imported_by(path.read_text(), path.relative_to(PKG).parts)


def _imported_by(source: str, rel: tuple) -> set:
    """What a module of the package (``rel``: its path parts under the
    package) imports: subpackage names, leaf module names, and
    ``ROOT_IMPORT`` for the package root."""
    path = '/'.join(rel)
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                # resolve '..x' against the module's own package
                base = list(rel[:-1])[:len(rel) - node.level]
                if len(rel) - node.level < 0:
                    raise AssertionError(f'{path}: import beyond the package')
                target = base + (node.module.split('.') if node.module else [])
            elif node.module == 'tdmi_mmpose' or (
                    node.module or '').startswith('tdmi_mmpose.'):
                target = node.module.split('.')[1:]
            else:
                continue
            if target:
                found.add(target[0])
            else:  # 'from tdmi_mmpose import x' or 'from .. import x'
                found.add(ROOT_IMPORT)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == 'tdmi_mmpose':
                    found.add(ROOT_IMPORT)
                elif alias.name.startswith('tdmi_mmpose.'):
                    found.add(alias.name.split('.')[1])
    return found


def _upward(floor: str, imported: set) -> set:
    return imported - {floor} - set(ALLOWED[floor]) - LEAVES


def _violations(floor: str) -> list:
    bad = []
    for path in sorted((PKG / floor).rglob('*.py')):
        upward = _upward(floor, _imported(path))
        if upward:
            bad.append(f'{path.relative_to(ROOT)} imports {sorted(upward)}')
    return bad


def test_every_subpackage_has_a_row():
    floors = {p.name for p in PKG.iterdir() if (p / '__init__.py').is_file()}
    assert floors == set(ALLOWED)
    for floor, allowed in ALLOWED.items():
        assert set(allowed) <= set(ALLOWED), floor
        assert all(isinstance(why, str) and why for why in allowed.values())


def test_the_table_has_no_cycle():

    def reach(floor, seen=()):
        for lower in ALLOWED[floor]:
            assert lower not in seen + (floor, ), (floor, lower)
            reach(lower, seen + (floor, ))

    for floor in ALLOWED:
        reach(floor)


@pytest.mark.parametrize('floor', sorted(ALLOWED))
def test_floor_imports_only_what_its_row_allows(floor):
    assert not _violations(floor)


def test_leaf_modules_import_nothing_of_the_package_but_leaves():
    for name in LEAVES:
        assert _imported(PKG / f'{name}.py') <= LEAVES, name


@pytest.mark.parametrize('line', [
    'import tdmi_mmpose', 'from tdmi_mmpose import models',
    'from ... import apis', 'from ...evaluation import PoseTrackMetric',
    'from tdmi_mmpose.apis import inference_clip',
    'import tdmi_mmpose.models.necks'
])
def test_a_planted_upward_import_is_found(line):
    """The check itself: each way of importing upward, planted in a module
    of ``datasets/transforms/``, is reported; an import of its own floor
    and of the formats below it is not."""
    rel = ('datasets', 'transforms', 'planted.py')
    assert _upward('datasets', _imported_by(line, rel))
    for fine in ('from .. import posetrack_video_dataset',
                 'from ...posetrack_format import load_json',
                 'from ...version import __version__'):
        assert not _upward('datasets', _imported_by(fine, rel)), fine


def test_the_package_never_imports_the_research_code():
    """``tdmi_research`` is not installed: an installed package importing it
    would fail on a user's machine."""
    bad = []
    for path in sorted(PKG.rglob('*.py')):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or '']
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any(n.split('.')[0] == 'tdmi_research' for n in names):
                bad.append(str(path.relative_to(ROOT)))
    assert bad == []
