# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""ONNX export of the tiny TDMI: onnxruntime's heatmaps equal torch's for
a dynamic batch of 1 and 3; the onnxruntime backend gives the torch model's
keypoints through the video tool's path; bad uses are refused."""
import json
import subprocess
import sys

import numpy as np
import pytest
import torch
from conftest import ROOT
from mmpose.apis import init_model

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.apis.onnx_backend import (OnnxRuntimeVideoEstimator,
                                           export_onnx)
from tdmi_research import generate_synthetic_posetrack

TINY = ROOT / 'configs' / 'demo' / 'tdmi_hrnet_tiny.py'


@pytest.fixture(scope='module')
def exported(tmp_path_factory):
    """The tiny model with every trainable conv re-drawn at a useful scale
    (the authors' init's N(0, 0.001) makes heatmaps of ~1e-6, where any
    comparison passes), saved, and exported with a dynamic batch."""
    torch.manual_seed(0)
    model = init_model(str(TINY), None, device='cpu')
    for name, module in model.named_modules():
        if isinstance(module,
                      torch.nn.Conv2d) and not name.startswith('backbone'):
            torch.nn.init.normal_(module.weight, std=0.1)
    folder = tmp_path_factory.mktemp('onnx')
    checkpoint = folder / 'tiny.pth'
    torch.save({'state_dict': model.state_dict()}, checkpoint)
    onnx_file = folder / 'tiny.onnx'
    export_onnx(model, str(onnx_file), batch='dynamic')
    return model, onnx_file, checkpoint


def test_onnxruntime_heatmaps_equal_torch(exported):
    model, onnx_file, _ = exported
    backend = OnnxRuntimeVideoEstimator(model, str(onnx_file))
    for batch in (1, 3):
        clips = torch.randn(batch, 3, 3, 64, 64)
        with torch.no_grad():
            ref = model(clips, None, mode='tensor')
        out = backend.heatmaps(clips)
        assert out.shape == ref.shape == (batch, 17, 16, 16)
        assert ref.abs().max() > 0.05  # a comparison that can fail
        assert (out - ref).abs().max() <= 1e-4


def test_backend_predicts_like_torch_through_the_video_tool(
        exported, tmp_path):
    """``--backend onnxruntime`` writes the same PoseTrack predictions as
    the torch backend on a synthetic video (flip test and decoding
    included)."""
    _, onnx_file, checkpoint = exported
    data = tmp_path / 'data'
    generate_synthetic_posetrack(
        str(data), splits=dict(train=1, val=1), num_frames=6, seed=2)
    sequence = next((data / 'annotations' / 'val').glob('*.json'))
    outputs = {}
    for backend in ('torch', 'onnxruntime'):
        extra = ['--backend', backend, '--onnx', onnx_file
                 ] if backend == 'onnxruntime' else []
        out = tmp_path / backend
        result = subprocess.run([
            sys.executable,
            str(ROOT / 'tools' / 'demos' / 'video_demo.py'),
            str(TINY),
            str(checkpoint), '--input',
            str(sequence), '--gt-bboxes', '--output-root',
            str(out), '--save-predictions', '--no-video', *map(str, extra)
        ],
                                stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT,
                                text=True,
                                timeout=600)
        assert result.returncode == 0, result.stdout[-3000:]
        outputs[backend] = json.loads(
            (out / sequence.name).read_text())['annotations']
    assert len(outputs['torch']) == len(outputs['onnxruntime']) > 5
    for a, b in zip(outputs['torch'], outputs['onnxruntime']):
        assert a['track_id'] == b['track_id']
        np.testing.assert_allclose(a['keypoints'], b['keypoints'], atol=0.05)
        np.testing.assert_allclose(a['scores'], b['scores'], atol=1e-3)


def test_refusals(exported, tmp_path):
    model, onnx_file, _ = exported
    with pytest.raises(ValueError, match="batch must be 'dynamic'"):
        export_onnx(model, str(tmp_path / 'x.onnx'), batch=0)
    single = init_model(
        str(ROOT / 'configs' / 'demo' / 'single_frame_demo_synthetic.py'),
        None,
        device='cpu')
    with pytest.raises(ValueError, match='exports video estimators'):
        export_onnx(single, str(tmp_path / 'x.onnx'))
    model.num_frames, t = 5, model.num_frames
    try:
        with pytest.raises(ValueError, match='takes T = 3 frames'):
            OnnxRuntimeVideoEstimator(model, str(onnx_file))
    finally:
        model.num_frames = t


def test_a_fixed_batch_file_serves_any_number_of_people(exported, tmp_path):
    """Exported for 2 clips, used for 1, 2 and 5 people (chunks of 2, the
    last padded): the heatmaps are torch's, not onnxruntime's
    INVALID_ARGUMENT."""
    model, _, _ = exported
    fixed = tmp_path / 'fixed.onnx'
    export_onnx(model, str(fixed), batch=2)
    backend = OnnxRuntimeVideoEstimator(model, str(fixed))
    assert backend.fixed_batch == 2
    for batch in (1, 2, 5):
        clips = torch.randn(batch, 3, 3, 64, 64)
        with torch.no_grad():
            ref = model(clips, None, mode='tensor')
        assert (backend.heatmaps(clips) - ref).abs().max() <= 1e-4


def test_export_tool_checks_its_arguments_first(exported, tmp_path):
    """An unwritable --out fails before the export; a missing checkpoint or
    one of another model is an error naming it, not a traceback."""
    _, _, checkpoint = exported

    def tool(*args):
        return subprocess.run([
            sys.executable,
            str(ROOT / 'tools' / 'deployment' / 'export_onnx.py'),
            *map(str, args)
        ],
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT,
                              text=True,
                              timeout=300)

    result = tool(TINY, checkpoint, '--out', tmp_path / 'no' / 'x.onnx')
    assert result.returncode == 2
    assert 'does not exist or cannot be written' in result.stdout
    result = tool(TINY, checkpoint, '--out', tmp_path)
    assert result.returncode == 2 and 'is a folder' in result.stdout
    result = tool(TINY, tmp_path / 'missing.pth', '--out', tmp_path / 'x.onnx')
    assert result.returncode == 1 and 'missing.pth' in result.stdout
    assert 'Traceback' not in result.stdout
    single = init_model(
        str(ROOT / 'configs' / 'demo' / 'single_frame_demo_synthetic.py'),
        None,
        device='cpu')
    other = tmp_path / 'single_frame.pth'
    torch.save({'state_dict': single.state_dict()}, other)
    result = tool(TINY, other, '--out', tmp_path / 'x.onnx')
    assert result.returncode == 1, result.stdout[-2000:]
    assert 'Traceback' not in result.stdout, result.stdout[-2000:]
    assert not (tmp_path / 'x.onnx').exists()
