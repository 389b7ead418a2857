# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""tools/demos/synthetic_demo.py (behind ``python3 run.py demo``), shortened:
both stages of the paper's protocol on the set with irrelevant motion (the
TDMI stage keeps stage 1's backbone weights and final layer, frozen,
through training), the three-model table, single-frame and the recipe
rendered by MMPose's visualiser on the same key frames, the video tool, and
the learning gate (exit 1 when a TDMI model gains too little)."""
import json
import re
import subprocess

import cv2
import pytest
import torch
from conftest import ROOT


@pytest.mark.slow
def test_demo_runs_every_step_and_gates_on_the_gain(python, tmp_path):
    data = tmp_path / 'data'
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
                            timeout=900)
    out = result.stdout
    for step in ('1/8 self-check', 'torch threads per model: ',
                 '2/8 synthetic PoseTrack set with irrelevant motion',
                 '3/8 stage 1: training the single-frame model for 2 '
                 'iterations', '4/8 stage 2: TDMI on the frozen',
                 "5/8 training the TDMI parts as the recipes: the authors' "
                 'nine MI terms (KLSoftmaxMI, group weights 1) for 2 '
                 'iterations', '6/8 training the TDMI parts without MI '
                 'losses', '7/8 rendering single-frame and the recipe',
                 '8/8 the video tool'):
        assert step in out, out[-3000:]
    # the demo's set: the generator's irrelevant motion is on
    record = json.loads((data / 'generator.json').read_text())
    assert record['passers_by'] and record['background_objects']
    assert re.search(
        r"TDMI untrained -> trained: TDMI \(recipe: authors' MI\) "
        r'-?\d+\.\d -> -?\d+\.\d, TDMI, no MI -?\d+\.\d -> -?\d+\.\d', out), \
        out[-3000:]
    # three models: single-frame, the recipe's TDMI, TDMI without MI
    for row in ('all', 'blurred', 'occluded', 'clean', 'nuisance'):
        assert re.search(
            rf'\| {row} \| \d+ \|( [\d.na]+ \|){{3}}( [+-]?[\d.na]+ \|){{2}}',
            out), out[-3000:]
    # the gate names both TDMI models
    assert "did not learn enough: TDMI (recipe: authors' MI) gained" in out
    assert 'did not learn enough: TDMI, no MI gained' in out
    assert re.search(
        r"video tool, TDMI \(recipe: authors' MI\), on \w+: [\d.]+ "
        r'frames/s, mAP [\d.]+, MOTA -?[\d.]+, HOTA [\d.]+', out), out[-3000:]
    assert list((work / 'video').glob('*.mp4'))
    assert list((work / 'video').glob('*.json'))
    # the picture: two rows (single-frame, the recipe) of the same key
    # frames, at least one of them degraded or with irrelevant motion
    picture = cv2.imread(str(work / 'predictions.png'))
    assert picture is not None and picture.shape[0] > 2 * 120
    assert re.search(r'the same key frames: (blur|occluder|passer_by|object)',
                     out)
    assert re.search(r'time: [\d.]+ min, \d+ torch thread\(s\) per model', out)
    # both TDMI models trained in their own processes, each writing its
    # console output to its work folder
    assert (work / 'console.log').is_file()
    assert (work / 'without_mi' / 'console.log').is_file()
    assert result.returncode == 1
    # stage 2 trained only the TDMI parts: its backbone's weights and MI
    # projector are stage 1's, bit for bit; the frozen BatchNorm normalised
    # with batch statistics, so its running statistics moved (the authors'
    # code; eval-mode BatchNorm would keep stage 1's)
    stage1, stage2 = (
        torch.load(path, map_location='cpu', weights_only=False)['state_dict']
        for path in (work / 'single_frame' / 'iter_2.pth',
                     work / 'iter_2.pth'))
    backbone = [k for k in stage1 if k.startswith('backbone.')]
    assert len(backbone) > 100
    moved = []
    for key in backbone:
        if key.endswith(('running_mean', 'running_var')):
            moved.append(not torch.equal(stage1[key], stage2[key]))
        elif not key.endswith('num_batches_tracked'):
            assert torch.equal(stage1[key], stage2[key]), key
    assert moved and all(moved)
    for name in ('weight', 'bias'):
        assert torch.equal(stage1[f'head.final_layer.{name}'],
                           stage2[f'head.y_projector.{name}'])
    assert bool(stage2['head.y_projector.loaded'])
