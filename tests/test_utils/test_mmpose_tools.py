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


def test_cpu_distributed_is_scoped_and_undone():
    """Where no GPU is visible, ``torch.cuda.set_device`` is a no-op inside
    the block only: the real function is back after it, also after an
    error."""
    import torch

    from tdmi_mmpose.utils.mmpose_tools import cpu_distributed
    if torch.cuda.is_available():
        pytest.skip('the work-around applies only without a GPU')
    real = torch.cuda.set_device
    with cpu_distributed() as applied:
        assert applied
        assert torch.cuda.set_device is not real
        torch.cuda.set_device(0)  # no error without a GPU
    assert torch.cuda.set_device is real
    with pytest.raises(KeyError):
        with cpu_distributed():
            raise KeyError('inside')
    assert torch.cuda.set_device is real
