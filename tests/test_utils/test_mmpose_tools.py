# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The CPU work-around for MMEngine's pytorch launcher applies only where
the launcher is pytorch (not where the word appears elsewhere)."""
import pytest

from tdmi_mmpose.utils.mmpose_tools import launcher_of


@pytest.mark.parametrize(
    'argv, launcher',
    [
        (['cfg.py', '--launcher', 'pytorch'], 'pytorch'),
        (['cfg.py', '--launcher=pytorch'], 'pytorch'),
        (['cfg.py', '--launcher', 'slurm'], 'slurm'),
        (['cfg.py'], 'none'),
        # the word elsewhere: a work dir or a config option, not the launcher
        (['cfg.py', '--work-dir', 'pytorch'], 'none'),
        (['pytorch.py', '--cfg-options', 'name=pytorch'], 'none'),
        (['cfg.py', '--launcher', 'none', '--work-dir', 'pytorch'], 'none'),
    ])
def test_launcher_is_parsed_as_argparse_does(argv, launcher):
    assert launcher_of(argv) == launcher
