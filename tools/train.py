# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Train a model: MMPose's ``tools/train.py`` with tdmi_mmpose registered.

Same arguments as MMPose's script (``python tools/train.py -h``), e.g.
    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]] [--amp]
        [--cfg-options k=v ...] [--launcher {none,pytorch,slurm,mpi}]
mim runs this file: ``mim train tdmi_mmpose CONFIG``.
"""
from tdmi_mmpose.utils import run_mmpose_tool

if __name__ == '__main__':
    run_mmpose_tool('train')
