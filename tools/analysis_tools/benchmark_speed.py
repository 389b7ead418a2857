# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Training and inference speed of TDMI against MMPose's single-frame model,
each as a ratio measured in this one process.

    python tools/analysis_tools/benchmark_speed.py [--batch 2] [--steps 3] \
        [--tdmi-config configs/tdmi_hrnet_w48_posetrack17.py] \
        [--single-config configs/stage1/hrnet_w48_posetrack18_384x288.py] \
        [--device cpu|cuda] [--inference-only]

Random weights and inputs of the configs' sizes (no data, no download): the
timings do not depend on the values. The TDMI model is the main recipe
(W48, T = 5, frozen backbone, every MI term on: its projector is marked as
loaded, which only a checkpoint does in real use). Prints, each the median
of ``--steps`` timed steps after one warm-up:

- a training step (forward, backward, AdamW update) of TDMI vs MMPose's
  single-frame HRNet at the same batch (and the single-frame step with its
  backbone in the channels-last layout that TDMI's frozen backbone uses),
  and the process's peak memory (CUDA: ``max_memory_allocated``; CPU: peak
  resident set size after each);
- TDMI's step with torchvision's deformable-conv kernel instead of this
  package's sampled one (same values, see ``models/utils/blocks.py``);
- TDMI's step under bfloat16 autocast (``--amp`` on CPU) vs float32;
- inference per person-frame (one key frame of one person, no flip):
  TDMI vs single-frame, TDMI's exact mode (T backbone passes) and the
  video tool's fast mode in its steady state (one backbone pass for the
  new frame, T - 1 cached frames' stage features resampled into the key
  crop, then the neck and head; ``apis/streaming.py``), and (CPU, with
  the ``[onnx]`` extra installed) TDMI exported by
  ``tools/deployment/export_onnx.py`` on onnxruntime vs TDMI in torch,
  with the same number of threads.
"""
import argparse
import os.path as osp
import resource
import statistics
import tempfile
import time

import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--batch', type=int, default=2)
    parser.add_argument('--steps', type=int, default=3)
    parser.add_argument(
        '--tdmi-config',
        default=osp.join(ROOT, 'configs', 'tdmi_hrnet_w48_posetrack17.py'))
    parser.add_argument(
        '--single-config',
        default=osp.join(ROOT, 'configs', 'stage1',
                         'hrnet_w48_posetrack18_384x288.py'))
    parser.add_argument(
        '--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument(
        '--inference-only',
        action='store_true',
        help='only the inference rows (no training steps)')
    return parser.parse_args()


def _build(config: str, device: str):
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmpose.registry import MODELS
    cfg = Config.fromfile(config)
    init_default_scope('mmpose')
    model_cfg = cfg.model
    model_cfg.pop('single_frame_checkpoint', None)  # no download
    model_cfg.backbone.pop('init_cfg', None)
    model = MODELS.build(model_cfg)
    if hasattr(model.head, 'y_projector'):
        model.head.y_projector.loaded.fill_(True)  # timing only
    return model.to(device).train(), cfg


def _samples(cfg, batch: int, device: str):
    from mmengine.structures import InstanceData, PixelData
    from mmpose.structures import PoseDataSample
    w, h = cfg.codec.heatmap_size
    samples = []
    for _ in range(batch):
        s = PoseDataSample()
        s.gt_fields = PixelData(heatmaps=torch.rand(17, h, w, device=device))
        s.gt_instance_labels = InstanceData(
            keypoint_weights=torch.ones(1, 17, device=device))
        s.set_metainfo(dict(frame_offsets=tuple(cfg.get('frame_offsets', ()))))
        samples.append(s)
    return samples


def _inputs(model, cfg, batch: int, device: str):
    w, h = cfg.codec.input_size
    frames = getattr(model, 'num_frames', None)
    shape = (batch, frames, 3, h, w) if frames else (batch, 3, h, w)
    return torch.randn(*shape, device=device)


def _sync(device: str) -> None:
    if device == 'cuda':
        torch.cuda.synchronize()


def _median_seconds(fn, steps: int, device: str) -> float:
    fn()  # warm-up
    times = []
    for _ in range(steps):
        _sync(device)
        start = time.perf_counter()
        fn()
        _sync(device)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _train_step(model,
                cfg,
                batch,
                device,
                autocast=False,
                channels_last=False):
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=1e-4)
    inputs = _inputs(model, cfg, batch, device)
    if channels_last:
        inputs = inputs.contiguous(memory_format=torch.channels_last)
    samples = _samples(cfg, batch, device)

    def step():
        with torch.autocast(device, dtype=torch.bfloat16, enabled=autocast):
            losses = model.loss(inputs, samples)
        loss = sum(v for k, v in losses.items() if k.startswith('loss'))
        if not torch.isfinite(loss):
            raise RuntimeError(f'loss is {loss}')
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    return step


def _peak_memory_mib(device: str) -> float:
    if device == 'cuda':
        return torch.cuda.max_memory_allocated() / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _fast_mode_step(model, clip):
    """The fast video mode's work per person-frame in its steady state: the
    newest frame's crop through the backbone, the cached stage features of
    the other T - 1 frames resampled into the key crop (a slightly moved
    and scaled crop), the neck and the head."""
    import numpy as np
    import torch.nn.functional as F

    from tdmi_mmpose.models.utils import crop_to_crop_grid
    cached = [s[:, 0] for s in model.clip_stages(clip)]  # (1, C, h, w)
    size = tuple(cached[0].shape[-2:])
    input_size = (clip.shape[-1], clip.shape[-2])
    moved = np.array([[1.05, 0., 3.], [0., 1.05, -2.], [0., 0., 1.]])
    grid = crop_to_crop_grid(moved, size, input_size)[None].to(clip.device)
    k = model.key_frame_index

    def step():
        new = model.backbone(clip[:, -1])  # the newest frame, once
        frames = []
        for t in range(model.num_frames):
            source = new if t == model.num_frames - 1 else cached
            frames.append(source if t == k else [
                F.grid_sample(
                    s, grid, padding_mode='border', align_corners=True)
                for s in source
            ])
        stages = [
            torch.stack([f[s] for f in frames], 1) for s in range(len(new))
        ]
        return model.head.forward(model.features_from_stages(stages))

    return step


def _onnxruntime_seconds(model, cfg, clip, steps: int, device: str):
    """The exported model on onnxruntime (CPU), or None where it cannot
    run (another device, the optional packages missing)."""
    if device != 'cpu':
        return None
    try:
        from tdmi_mmpose.apis.onnx_backend import (OnnxRuntimeVideoEstimator,
                                                   export_onnx)
        with tempfile.TemporaryDirectory() as tmp:
            path = osp.join(tmp, 'tdmi.onnx')
            model.cfg = cfg
            export_onnx(model, path, batch=1)
            backend = OnnxRuntimeVideoEstimator(model, path)
            return _median_seconds(lambda: backend.heatmaps(clip), steps,
                                   device)
    except ImportError as e:
        print(f'onnxruntime row skipped: {e}')
        return None


def _training_rows(single, single_cfg, tdmi, tdmi_cfg, batch, steps, device):
    """The training-step rows, and the memory and kernel lines printed."""
    from tdmi_mmpose.models.utils.blocks import ModulatedDeformAlign
    rows = []
    if device == 'cuda':
        torch.cuda.reset_peak_memory_stats()
    t_single = _median_seconds(
        _train_step(single, single_cfg, batch, device), steps, device)
    mem_single = _peak_memory_mib(device)
    if device == 'cuda':
        torch.cuda.reset_peak_memory_stats()
    t_tdmi = _median_seconds(
        _train_step(tdmi, tdmi_cfg, batch, device), steps, device)
    mem_tdmi = _peak_memory_mib(device)
    rows.append(('training step, single-frame HRNet (MMPose)', t_single, 1.0))
    rows.append(('training step, TDMI (frozen backbone, MI on)', t_tdmi,
                 t_tdmi / t_single))
    # the layout the TDMI recipe's backbone uses, given to the baseline too
    # (for a fair reading of the ratio; MMPose's configs do not set it)
    layout = single.backbone.conv1.weight.stride()
    single.backbone.to(memory_format=torch.channels_last)
    t_single_cl = _median_seconds(
        _train_step(single, single_cfg, batch, device, channels_last=True),
        steps, device)
    single.backbone.to(memory_format=torch.contiguous_format)
    assert single.backbone.conv1.weight.stride() == layout
    rows.append(('training step, single-frame HRNet in channels-last layout',
                 t_single_cl, t_single_cl / t_single))

    ModulatedDeformAlign.impl = 'torchvision'
    try:
        t_tv = _median_seconds(
            _train_step(tdmi, tdmi_cfg, batch, device), steps, device)
    finally:
        ModulatedDeformAlign.impl = 'auto'
    rows.append(("training step, TDMI with torchvision's deformable conv",
                 t_tv, t_tv / t_single))
    t_amp = _median_seconds(
        _train_step(tdmi, tdmi_cfg, batch, device, autocast=True), steps,
        device)
    rows.append(('training step, TDMI under bfloat16 autocast', t_amp,
                 t_amp / t_single))

    print(f'TDMI step vs torchvision kernel: {t_tv / t_tdmi:.2f}x faster; '
          f'bfloat16 vs float32: {t_tdmi / t_amp:.2f}x')
    kind = 'peak allocated' if device == 'cuda' else 'process peak RSS'
    print(f'memory ({kind}): after the single-frame steps {mem_single:.0f} '
          f'MiB, after the TDMI steps {mem_tdmi:.0f} MiB')
    return rows


def main() -> None:
    args = parse_args()
    device, steps, batch = args.device, args.steps, args.batch
    single, single_cfg = _build(args.single_config, device)
    tdmi, tdmi_cfg = _build(args.tdmi_config, device)
    print(f'device {device}, {torch.get_num_threads()} CPU threads, batch '
          f'{batch}, T = {tdmi.num_frames}, median of {steps} steps')

    rows = []
    if not args.inference_only:
        rows += _training_rows(single, single_cfg, tdmi, tdmi_cfg, batch,
                               steps, device)
    single.eval()
    tdmi.eval()
    with torch.no_grad():
        one_image = _inputs(single, single_cfg, 1, device)
        one_clip = _inputs(tdmi, tdmi_cfg, 1, device)
        t_inf_single = _median_seconds(
            lambda: single(one_image, None, mode='tensor'), steps, device)
        t_inf_tdmi = _median_seconds(
            lambda: tdmi(one_clip, None, mode='tensor'), steps, device)
        t_inf_fast = _median_seconds(
            _fast_mode_step(tdmi, one_clip), steps, device)
    rows.append(
        ('inference per person-frame, single-frame', t_inf_single, 1.0))
    rows.append(('inference per person-frame, TDMI (exact: T backbone '
                 'passes)', t_inf_tdmi, t_inf_tdmi / t_inf_single))
    rows.append(
        ('inference per person-frame, TDMI fast mode (1 backbone '
         'pass, T - 1 resampled)', t_inf_fast, t_inf_fast / t_inf_single))
    t_ort = _onnxruntime_seconds(tdmi, tdmi_cfg, one_clip, steps, device)
    if t_ort is not None:
        rows.append(('inference per person-frame, TDMI on onnxruntime', t_ort,
                     t_ort / t_inf_single))

    print('\n| what | seconds | ratio to single-frame |')
    print('|---|---|---|')
    for name, seconds, ratio in rows:
        print(f'| {name} | {seconds:.3f} | {ratio:.2f}x |')
    print(f'\nfast mode vs exact mode per person-frame: '
          f'{t_inf_tdmi / t_inf_fast:.2f}x faster')


if __name__ == '__main__':
    main()
