# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The main job on the embedded default (``python3 run.py demo``).

Today: the installation self-check (versions, registered modules, mmcv ops,
checkpoint loading). Generating the synthetic PoseTrack set, training a small
TDMI on it and evaluating it join here as those parts land.
"""
import sys

from tdmi_mmpose.__main__ import main

if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
