# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""tools/demos/synthetic_demo.py (behind ``python3 run.py demo``), shortened:
both stages of the paper's protocol (the TDMI stage keeps stage 1's
backbone and final layer, frozen, through training), the side-by-side
table, predictions rendered by MMPose's visualiser, the video tool, and the
learning gate (exit 1 when the gain is too small)."""
import re
import subprocess

import cv2
import pytest
import torch
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
        str(ROOT / 'tools' / 'demos' / 'synthetic_demo.py'), '--iters', '2',
        '--min-gain', '1000', '--data-root',
        str(data), '--work-dir',
        str(work)
    ],
                            cwd=tmp_path,
                            stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT,
                            text=True,
                            timeout=600)
    out = result.stdout
    for step in ('1/8 self-check', 'torch threads: ',
                 '3/8 stage 1: training the single-frame model for 2 '
                 'iterations', '4/8 stage 2: TDMI on the frozen',
                 '5/8 training the TDMI parts without MI losses (the '
                 'recipes) for 2 iterations', "6/8 training the TDMI parts "
                 "with the authors' MI terms (KLSoftmaxMI, group weights 1)",
                 '7/8 rendering', '8/8 the video tool'):
        assert step in out, out[-3000:]
    assert re.search(
        r'TDMI untrained (\d+\.\d) -> trained without MI (\d+\.\d), with '
        r"the authors' MI terms (\d+\.\d)", out), out[-3000:]
    # three models: single-frame, TDMI without MI (the recipes), TDMI with
    # the authors' MI terms
    for row in ('all', 'blurred', 'occluded', 'clean'):
        assert re.search(
            rf'\| {row} \| \d+ \|( [\d.na]+ \|){{3}}( [+-][\d.na]+ \|){{2}}',
            out), out[-3000:]
    assert 'the model did not learn enough' in out
    for key in ('no MI', "authors' MI"):
        assert re.search(
            rf'video tool, TDMI {key}, on \w+: [\d.]+ frames/s, mAP '
            r'[\d.]+, MOTA -?[\d.]+, HOTA [\d.]+', out), out[-3000:]
    for slug in ('no_mi', 'authors_mi'):
        assert list((work / 'video' / slug).glob('*.mp4'))
        assert list((work / 'video' / slug).glob('*.json'))
    assert re.search(r'time: [\d.]+ min with \d+ torch thread', out)
    assert result.returncode == 1
    # stage 2 trained only the TDMI parts: its backbone and MI projector
    # are stage 1's backbone and final layer, bit for bit
    # files this test just wrote (MMEngine pickles its message hub too)
    stage1, stage2 = (
        torch.load(path, map_location='cpu', weights_only=False)['state_dict']
        for path in (work / 'single_frame' / 'iter_2.pth',
                     work / 'iter_2.pth'))
    backbone = [k for k in stage1 if k.startswith('backbone.')]
    assert len(backbone) > 100
    for key in backbone:
        assert torch.equal(stage1[key], stage2[key]), key
    for name in ('weight', 'bias'):
        assert torch.equal(stage1[f'head.final_layer.{name}'],
                           stage2[f'head.y_projector.{name}'])
    assert bool(stage2['head.y_projector.loaded'])
    # one labelled row of key frames per TDMI model
    strip = cv2.imread(str(work / 'predictions.png'))
    assert strip is not None and strip.shape[1] > strip.shape[0] / 2
