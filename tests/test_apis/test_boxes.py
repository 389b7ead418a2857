# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Where the person detector runs: the model's device, except CUDA when
mmcv has no CUDA ops (MMDetection's NMS is an mmcv op)."""
import json

import pytest
from conftest import ROOT

from tdmi_mmpose.apis.video import boxes


def test_detector_follows_the_device_where_mmcv_can(monkeypatch):
    said = []
    monkeypatch.setattr(boxes, 'print_log', lambda msg, **kw: said.append(msg))
    assert boxes.detector_device('cpu') == 'cpu'
    assert boxes.detector_device('cuda:1', has_cuda_ops=True) == 'cuda:1'
    assert said == []
    assert boxes.detector_device('cuda:1', has_cuda_ops=False) == 'cpu'
    assert len(said) == 1 and 'runs on CPU' in said[0]
    assert 'pose model runs on cuda:1' in said[0]


def test_the_op_table_as_installed_agrees_with_set_up():
    """``mmcv_has_cuda_ops`` reads mmcv's own build; run.py's stamp names
    the ops flavour it compiled (``...-cpuops`` / ``...-cuda<v>ops``)."""
    stamp = ROOT / '.venv' / '.tdmi_setup.json'
    if not stamp.exists():
        pytest.skip('an environment run.py did not make: no stamp')
    wheel = json.loads(stamp.read_text())['mmcv_wheel']
    assert boxes.mmcv_has_cuda_ops() == ('cpuops' not in wheel)
    expected = 'cuda:0' if 'cpuops' not in wheel else 'cpu'
    assert boxes.detector_device('cuda:0') == expected


def test_a_detector_without_weights_says_so(monkeypatch):
    said = []
    monkeypatch.setattr(boxes, 'print_log', lambda msg, **kw: said.append(msg))
    boxes.MMDetBoxes('mmdet::rtmdet/rtmdet_tiny_8xb32-300e_coco.py', None)
    assert any('no checkpoint: RANDOM weights' in m for m in said), said
