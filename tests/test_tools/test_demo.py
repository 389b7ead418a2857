# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""tools/demo.py (behind ``python3 run.py demo``), shortened: self-check,
untrained and trained mAP, checkpoint, predictions rendered by MMPose's
visualiser, and the learning gate (exit 1 when the gain is too small)."""
import re
import subprocess

import cv2
import pytest
from conftest import ROOT

from tdmi_mmpose.datasets import generate_synthetic_posetrack


@pytest.mark.slow
def test_demo_runs_every_step_and_gates_on_the_gain(python, tmp_path):
    data = tmp_path / 'data'
    generate_synthetic_posetrack(
        str(data), splits=dict(train=1, val=1), num_frames=8, seed=0)
    work = tmp_path / 'work'
    # two iterations cannot gain 1000 mAP points: every step runs, then
    # the gate fails the run
    result = subprocess.run([
        str(python),
        str(ROOT / 'tools' / 'demo.py'), '--iters', '2', '--min-gain', '1000',
        '--data-root',
        str(data), '--work-dir',
        str(work)
    ],
                            cwd=tmp_path,
                            stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT,
                            text=True,
                            timeout=600)
    out = result.stdout
    for step in ('1/6 self-check', '3/6 evaluating the untrained model',
                 '4/6 training for 2 iterations', '5/6 rendering',
                 '6/6 the video tool'):
        assert step in out, out[-3000:]
    found = re.search(r'untrained (\d+\.\d) -> trained (\d+\.\d)', out)
    assert found, out[-3000:]
    assert 'the model did not learn enough' in out
    assert re.search(
        r'video tool on \w+: [\d.]+ frames/s, mAP [\d.]+, '
        r'MOTA -?[\d.]+', out), out[-3000:]
    assert list((work / 'video').glob('*.mp4'))
    assert list((work / 'video').glob('*.json'))
    assert result.returncode == 1
    assert (work / 'iter_2.pth').is_file()
    strip = cv2.imread(str(work / 'predictions.png'))
    assert strip is not None and strip.shape[1] > strip.shape[0]
