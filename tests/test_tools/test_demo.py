# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""tools/demo.py (behind ``python3 run.py demo``), shortened: self-check,
untrained and trained mAP, checkpoint, predictions rendered by MMPose's
visualiser."""
import cv2
import pytest

from conftest import ROOT, run_cmd
from tdmi_mmpose.datasets import generate_synthetic_posetrack


@pytest.mark.slow
def test_demo_runs_every_step(python, tmp_path):
    data = tmp_path / 'data'
    generate_synthetic_posetrack(str(data), splits=dict(train=1, val=1),
                                 num_frames=8, seed=0)
    work = tmp_path / 'work'
    out = run_cmd([
        python, ROOT / 'tools' / 'demo.py', '--iters', '2', '--min-gain',
        '-100', '--data-root', data, '--work-dir', work
    ], cwd=tmp_path).stdout
    for step in ('1/5 self-check', '3/5 evaluating the untrained model',
                 '4/5 training for 2 iterations', '5/5 rendering'):
        assert step in out
    assert 'untrained 0.0 -> trained' in out
    assert (work / 'iter_2.pth').is_file()
    strip = cv2.imread(str(work / 'predictions.png'))
    assert strip is not None and strip.shape[1] > strip.shape[0]
