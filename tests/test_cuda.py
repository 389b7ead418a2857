# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The CUDA paths, run where a GPU is present and skipped (with the reason)
where none is: ``python3 run.py test -m cuda`` runs only these, and
``tools/analysis_tools/gpu_check.py`` runs them first.

Each compares the CUDA path with the CPU path the rest of the suite checks
(the deformable convolution's kernel, predictions), or runs a GPU user's
command end to end (training in float32 and with ``--amp``, DDP with NCCL,
the video tool and the inferencer with ``--device cuda``, a CUDA-trained
checkpoint loaded on CPU and exported to ONNX).
"""
import json
import math
import re
import sys

import numpy as np
import pytest
import torch
from conftest import ROOT, run_cmd, synthetic_cfg_options, write_clip_boxes

import tdmi_mmpose  # noqa: F401
from tdmi_research import generate_synthetic_posetrack

pytestmark = [
    pytest.mark.cuda,
    pytest.mark.skipif(
        not torch.cuda.is_available(),
        reason='needs a CUDA GPU (torch.cuda.is_available() is False)')
]

TINY = ROOT / 'configs' / 'demo' / 'tdmi_hrnet_tiny.py'
CLIP = ROOT / 'tests' / 'data' / 'posetrack18_clip'
RTMDET = 'mmdet::rtmdet/rtmdet_tiny_8xb32-300e_coco.py'


def _data(tmp_path):
    data = tmp_path / 'data'
    generate_synthetic_posetrack(
        str(data), splits=dict(train=1, val=1), num_frames=8, seed=0)
    return data


def _losses(out):
    losses = [
        float(v) for v in re.findall(r'Iter\(train\).* loss: (\S+)', out)
    ]
    assert losses, out[-3000:]
    assert all(math.isfinite(v) for v in losses), losses
    return losses


def test_torchvision_deform_conv_on_cuda_equals_the_sampled_cpu_path():
    """Values and gradients (input, guide, weights) of the alignment's
    deformable convolution: torchvision's CUDA kernel (``impl='auto'`` on
    CUDA) against the sampled path the CPU takes."""
    from tdmi_mmpose.models.utils import ModulatedDeformAlign
    torch.manual_seed(0)
    align = ModulatedDeformAlign(8, deform_groups=2, deform_dilation=3)
    for conv in (align.offset_conv, align.mask_conv):
        torch.nn.init.normal_(conv.weight, std=0.1)
    x, guide = torch.randn(2, 8, 12, 9), torch.randn(2, 8, 12, 9)
    results = {}
    for device in ('cpu', 'cuda'):
        module = align.to(device)
        xd = x.to(device).requires_grad_()
        gd = guide.to(device).requires_grad_()
        out = module(xd, gd)
        out.square().sum().backward()
        grads = [xd.grad, gd.grad] + [p.grad for p in module.parameters()]
        results[device] = [out] + [g.detach().cpu() for g in grads]
        module.zero_grad()
    for cpu, cuda in zip(results['cpu'], results['cuda']):
        cuda = cuda.detach().cpu()
        scale = cpu.abs().max().clamp(min=1e-6)
        assert (cpu.detach() - cuda).abs().max() < 1e-4 * scale


def test_predictions_on_cuda_equal_cpu():
    from mmpose.apis import init_model

    from tdmi_mmpose.apis import inference_clip
    torch.manual_seed(0)
    cpu = init_model(str(TINY), None, device='cpu')
    cuda = init_model(str(TINY), None, device='cuda')
    cuda.load_state_dict(cpu.state_dict())
    frames = sorted(str(p) for p in CLIP.glob('*.jpg'))[:cpu.num_frames]
    boxes = np.array([[300., 150., 500., 600.], [700., 200., 900., 650.]])
    a = inference_clip(cpu, frames, boxes)
    b = inference_clip(cuda, frames, boxes)
    for pa, pb in zip(a, b):
        ka, kb = pa.pred_instances.keypoints, pb.pred_instances.keypoints
        # within a tenth of a pixel of the 1280 x 720 frame
        assert np.abs(ka - kb).max() < 0.1
        np.testing.assert_allclose(
            pa.pred_instances.keypoint_scores,
            pb.pred_instances.keypoint_scores,
            atol=1e-4)


def test_training_in_float32_and_amp_then_cpu_load_and_onnx(python, tmp_path):
    """The Runner trains on the GPU in float32 and with ``--amp``
    (MMEngine's AmpOptimWrapper, float16 with loss scaling); the CUDA-trained
    checkpoint loads on CPU and exports to ONNX (the tool compares
    onnxruntime with torch)."""
    data = _data(tmp_path)
    work = tmp_path / 'fp32'
    out = run_cmd([
        python, ROOT / 'tools' / 'train.py', TINY, '--work-dir', work,
        *synthetic_cfg_options(data)
    ],
                  cwd=tmp_path).stdout
    _losses(out)
    assert re.search(r'posetrack/Total AP: \d', out)
    amp = run_cmd([
        python, ROOT / 'tools' / 'train.py', TINY, '--amp', '--work-dir',
        tmp_path / 'amp', *synthetic_cfg_options(data)
    ],
                  cwd=tmp_path).stdout
    _losses(amp)
    assert "type='AmpOptimWrapper'" in amp and 'CPUAmpOptimWrapper' not in amp

    from mmpose.apis import init_model
    checkpoint = work / 'iter_4.pth'
    model = init_model(str(TINY), str(checkpoint), device='cpu')
    trained = torch.load(checkpoint, map_location='cpu')['state_dict']
    key = 'temporal_encoder.aligns.0.deform_conv.weight'
    assert torch.equal(model.state_dict()[key], trained[key])
    pytest.importorskip('onnxruntime')
    onnx = tmp_path / 'tdmi.onnx'
    run_cmd([
        python, ROOT / 'tools' / 'deployment' / 'export_onnx.py', TINY,
        checkpoint, '--out', onnx
    ],
            cwd=tmp_path)
    assert onnx.stat().st_size > 0


def test_ddp_with_nccl_on_one_gpu(tmp_path):
    data = _data(tmp_path)
    out = run_cmd([
        sys.executable, '-m', 'mim', 'train', 'tdmi_mmpose', TINY,
        '--launcher', 'pytorch', '--gpus', '1', '--work-dir', tmp_path /
        'work', *synthetic_cfg_options(data), 'env_cfg.dist_cfg.backend=nccl'
    ],
                  cwd=tmp_path).stdout
    assert re.search(r'Distributed training: True', out)
    assert re.search(r"backend='nccl'|backend: nccl", out)
    _losses(out)


def _tool(tmp_path, *args):
    return run_cmd([
        sys.executable, ROOT / 'tools' / 'demos' / 'video_demo.py', TINY,
        '--input', CLIP / 'posetrack18_clip.mp4', '--device', 'cuda',
        '--output-root', tmp_path, '--save-predictions', *args
    ],
                   cwd=tmp_path).stdout


def test_video_tool_and_inferencer_on_cuda(tmp_path):
    """With a box file and with the detector (random-weight RTMDet, every
    box kept so that NMS runs): on the GPU where mmcv has CUDA ops, on CPU
    (said in the log) where it has not."""
    from tdmi_mmpose.apis import VideoPoseInferencer
    from tdmi_mmpose.apis.video.boxes import mmcv_has_cuda_ops
    boxes = write_clip_boxes(tmp_path / 'boxes.json')
    _tool(tmp_path / 'boxes', '--bboxes', boxes)
    written = json.loads(
        (tmp_path / 'boxes' / 'posetrack18_clip.json').read_text())
    assert len(written['images']) == 5 and written['annotations']
    out = _tool(tmp_path / 'det', '--det-config', RTMDET, '--bbox-thr', '0.0')
    assert ('detector runs on CPU' in out) == (not mmcv_has_cuda_ops())
    inferencer = VideoPoseInferencer(
        str(TINY), det_model=RTMDET, device='cuda')
    results = list(
        inferencer(str(CLIP / 'posetrack18_clip.mp4'), bbox_thr=0.0))
    assert len(results) == 5
    assert next(inferencer.model.parameters()).is_cuda
