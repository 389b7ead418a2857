# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""MMPose's style tools over the whole tree: flake8, isort and yapf with the
settings of setup.cfg (MMPose's). A lint error fails the test command."""
import subprocess
import sys

import pytest
from conftest import ROOT

TREE = [
    'tdmi_mmpose', 'tdmi_research', 'tools', 'tests', 'configs', 'setup.py',
    'run.py'
]


@pytest.mark.parametrize('tool, args', [
    ('flake8', []),
    ('isort', ['--check-only', '--diff']),
    ('yapf', ['--recursive', '--diff']),
])
def test_tree_is_clean(tool, args):
    result = subprocess.run([sys.executable, '-m', tool, *args, *TREE],
                            cwd=ROOT,
                            stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT,
                            text=True)
    assert result.returncode == 0 and not result.stdout.strip(), (
        f'{tool} reports (fix, or run `{tool} ... -i`/`isort .`):\n'
        f'{result.stdout[-4000:]}')
