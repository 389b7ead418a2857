# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Test a checkpoint: MMPose's ``tools/test.py`` with tdmi_mmpose registered.

Same arguments as MMPose's script (``python tools/test.py -h``), e.g.
    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--out FILE]
        [--cfg-options k=v ...] [--launcher {none,pytorch,slurm,mpi}]
mim runs this file: ``mim test tdmi_mmpose CONFIG --checkpoint CKPT``.
"""
from tdmi_mmpose.utils import run_mmpose_tool

if __name__ == '__main__':
    run_mmpose_tool('test')
