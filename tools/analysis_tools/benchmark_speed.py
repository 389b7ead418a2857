# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Training and inference speed of TDMI against MMPose's single-frame model,
each as a ratio measured in this one process.

    python tools/analysis_tools/benchmark_speed.py [--batch 2] [--steps 3] \
        [--tdmi-config configs/tdmi_hrnet_w48_posetrack17.py] \
        [--single-config configs/stage1/hrnet_w48_posetrack18_384x288.py] \
        [--device cpu|cuda] [--inference-only] [--threads 1 2] [--frames 8]

Random weights and inputs of the configs' sizes (no data, no download): the
timings do not depend on the values. The TDMI model is the main recipe
(W48, T = 5, frozen backbone, the authors' MI terms; its projector is
marked as loaded, which only a checkpoint does in real use). Prints, each
the median
of ``--steps`` timed steps after one warm-up:

- a training step (forward, backward, AdamW update) of TDMI vs MMPose's
  single-frame HRNet at the same batch, at each ``--threads`` count (and
  the single-frame step with its backbone in the channels-last layout
  that TDMI's frozen backbone uses, and TDMI's step without MI losses,
  ``configs/ablations/without_mi_losses.py``'s delta on ``--tdmi-config``),
  and the process's peak memory (CUDA: ``max_memory_allocated``; CPU: peak
  resident set size after each);
- the part of TDMI's step that is the frozen backbone's T passes per clip
  (the rest is the neck and head, forward and backward, and the update);
- TDMI's step with torchvision's deformable-conv kernel instead of this
  package's sampled one (same values, see ``models/utils/blocks.py``);
- TDMI's step under bfloat16 autocast (``--amp`` on CPU) vs float32, and
  with only the frozen backbone under it (``backbone_autocast``, the
  ablation ``configs/ablations/bf16_backbone.py``);
- the models alone per person-frame (one clip of one person, no flip,
  no preprocessing): TDMI vs single-frame, and (CPU, with the ``[onnx]``
  extra installed) TDMI exported by ``tools/deployment/export_onnx.py`` on
  onnxruntime, with the same number of threads;
- the shipped inference paths per person-frame on a stream of
  ``--frames`` generated frames with one person whose box drifts, each
  with its config's preprocessing and flip test: MMPose's
  ``inference_topdown`` with the single-frame model, this package's
  ``inference_clip`` (the exact mode: every key frame crops its T frames
  with its own box), ``ResampleModeEstimator`` (the video tool's
  ``--fast resample``: each frame through the backbone once, support
  features resampled) and ``WindowModeEstimator`` (``--fast window``: crop
  windows that stay put, default margin), with the backbone crops each
  runs per person-frame.
"""
import argparse
import os.path as osp
import resource
import statistics
import sys
import tempfile
import time
from typing import Optional

import torch

# the checkout's research code (tdmi_research: the synthetic sets, the
# configs of the synthetic runs, the MI-term diagnostics) is not installed
sys.path.insert(0,
                osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
WITHOUT_MI = osp.join(ROOT, 'configs', 'ablations', 'without_mi_losses.py')


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
        '--threads',
        type=int,
        nargs='+',
        default=None,
        help='CPU thread counts to time the training rows at, each in turn '
        '(default: the current count only; e.g. --threads 1 2)')
    parser.add_argument(
        '--frames',
        type=int,
        default=8,
        help='frames of the stream the inference paths run on (default: 8)')
    parser.add_argument(
        '--inference-only',
        action='store_true',
        help='only the inference rows (no training steps)')
    return parser.parse_args()


def _build(config: str, device: str, ablation: Optional[str] = None):
    from mmengine.registry import init_default_scope
    from mmpose.registry import MODELS

    from tdmi_research import with_ablation
    cfg = with_ablation(config, ablation)
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


def _stream(num_frames: int):
    """Frames (noise, 480 x 640) and one box per frame (N, 5) drifting by
    (2, 1) pixels a frame."""
    import numpy as np
    rng = np.random.default_rng(0)
    images = [
        rng.integers(0, 256, (480, 640, 3), dtype=np.uint8)
        for _ in range(num_frames)
    ]
    boxes = [
        np.array([[200. + 2 * t, 100. + t, 350. + 2 * t, 400. + t, 1.]])
        for t in range(num_frames)
    ]
    return images, boxes


def _per_frame_seconds(run, num_frames: int, device: str) -> float:
    """Seconds per frame of ``run()`` (one pass over the stream), after a
    warm-up pass."""
    run()
    _sync(device)
    start = time.perf_counter()
    run()
    _sync(device)
    return (time.perf_counter() - start) / num_frames


def _shipped_paths(single_config: str, tdmi_config: str, num_frames: int,
                   device: str):
    """Seconds per person-frame of the shipped inference paths (single
    frame, exact, the resample and window fast modes), and each fast mode's
    backbone crops per person-frame."""
    from mmengine.config import Config
    from mmpose.apis import inference_topdown, init_model

    from tdmi_mmpose.apis import inference_clip
    from tdmi_mmpose.apis.video import (FAST_MODES, clip_edge_of,
                                        clip_offsets_of)
    from tdmi_mmpose.datasets.transforms.clip_transforms import \
        edge_frame_numbers

    def load(config):
        cfg = Config.fromfile(config)
        cfg.model.pop('single_frame_checkpoint', None)  # no download
        cfg.model.backbone.pop('init_cfg', None)
        return init_model(cfg, None, device=device)

    single, tdmi = load(single_config), load(tdmi_config)
    images, boxes = _stream(num_frames)
    offsets, edge = clip_offsets_of(tdmi), clip_edge_of(tdmi)
    clips = [
        edge_frame_numbers(t, offsets, 0, num_frames - 1, edge)
        for t in range(num_frames)
    ]

    def single_pass():
        for image, box in zip(images, boxes):
            inference_topdown(single, image, box[:, :4])

    def exact_pass():
        for t, clip in enumerate(clips):
            inference_clip(tdmi, [images[n] for n in clip], boxes[t])

    crops = {}

    def fast_pass(mode):

        def run():
            estimator = FAST_MODES[mode](tdmi)
            frames = dict(enumerate(zip(images, boxes)))
            for t, clip in enumerate(clips):
                estimator.estimate(t, clip, frames)
                estimator.forget(t + min(offsets))
            crops[mode] = estimator.backbone_crops / num_frames

        return run

    with torch.no_grad():
        seconds = [
            _per_frame_seconds(run, num_frames, device)
            for run in (single_pass, exact_pass, fast_pass('resample'),
                        fast_pass('window'))
        ]
    return seconds, crops


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


def _training_rows(single, single_cfg, tdmi, tdmi_cfg, no_mi, batch, steps,
                   device):
    """The training-step rows, and the memory and kernel lines printed."""
    from tdmi_mmpose.models.utils import deform_impl
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
    rows.append(("training step, TDMI (the recipe: frozen backbone, "
                 "authors' MI)", t_tdmi, t_tdmi / t_single))
    clips = _inputs(tdmi, tdmi_cfg, batch, device)
    with torch.no_grad():
        t_frozen = _median_seconds(lambda: tdmi.clip_stages(clips), steps,
                                   device)
    rows.append(('  of which the frozen backbone passes (T per clip)',
                 t_frozen, t_frozen / t_single))
    t_no_mi = _median_seconds(
        _train_step(no_mi, tdmi_cfg, batch, device), steps, device)
    rows.append(
        ('training step, TDMI without MI losses', t_no_mi, t_no_mi / t_single))
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

    with deform_impl(tdmi, 'torchvision'):
        t_tv = _median_seconds(
            _train_step(tdmi, tdmi_cfg, batch, device), steps, device)
    rows.append(("training step, TDMI with torchvision's deformable conv",
                 t_tv, t_tv / t_single))
    t_amp = _median_seconds(
        _train_step(tdmi, tdmi_cfg, batch, device, autocast=True), steps,
        device)
    rows.append(('training step, TDMI under bfloat16 autocast', t_amp,
                 t_amp / t_single))
    before, tdmi.backbone_autocast = tdmi.backbone_autocast, 'bfloat16'
    try:
        t_bb = _median_seconds(
            _train_step(tdmi, tdmi_cfg, batch, device), steps, device)
    finally:
        tdmi.backbone_autocast = before
    rows.append(
        ('training step, TDMI with the frozen backbone under '
         'bfloat16 autocast (bf16_backbone.py)', t_bb, t_bb / t_single))

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
    no_mi = None
    if not args.inference_only:
        no_mi, _ = _build(args.tdmi_config, device, ablation=WITHOUT_MI)
    print(f'device {device}, {torch.get_num_threads()} CPU threads, batch '
          f'{batch}, T = {tdmi.num_frames}, median of {steps} steps')

    rows = []
    if not args.inference_only:
        current = torch.get_num_threads()
        for threads in args.threads or [current]:
            torch.set_num_threads(threads)
            suffix = f' ({threads} thread{"s" * (threads > 1)})'
            print(f'training rows at {threads} CPU thread(s)')
            rows += [(name + suffix, seconds, ratio)
                     for name, seconds, ratio in _training_rows(
                         single, single_cfg, tdmi, tdmi_cfg, no_mi, batch,
                         steps, device)]
        torch.set_num_threads(current)
    single.eval()
    tdmi.eval()
    with torch.no_grad():
        one_image = _inputs(single, single_cfg, 1, device)
        one_clip = _inputs(tdmi, tdmi_cfg, 1, device)
        t_inf_single = _median_seconds(
            lambda: single(one_image, None, mode='tensor'), steps, device)
        t_inf_tdmi = _median_seconds(
            lambda: tdmi(one_clip, None, mode='tensor'), steps, device)
    rows.append(
        ('model alone per person-frame, single-frame', t_inf_single, 1.0))
    rows.append(('model alone per person-frame, TDMI (T backbone passes)',
                 t_inf_tdmi, t_inf_tdmi / t_inf_single))
    t_ort = _onnxruntime_seconds(tdmi, tdmi_cfg, one_clip, steps, device)
    if t_ort is not None:
        rows.append(('model alone per person-frame, TDMI on onnxruntime',
                     t_ort, t_ort / t_inf_single))
    (t_single, t_exact, t_fast,
     t_window), crops = _shipped_paths(args.single_config, args.tdmi_config,
                                       args.frames, device)
    rows.append(('inference per person-frame, single-frame '
                 '(inference_topdown, flip as configured)', t_single, 1.0))
    rows.append(('inference per person-frame, TDMI exact mode '
                 '(inference_clip)', t_exact, t_exact / t_single))
    rows.append(('inference per person-frame, TDMI fast mode, resample '
                 '(ResampleModeEstimator)', t_fast, t_fast / t_single))
    rows.append(('inference per person-frame, TDMI fast mode, window '
                 '(WindowModeEstimator)', t_window, t_window / t_single))

    print('\n| what | seconds | ratio to single-frame |')
    print('|---|---|---|')
    for name, seconds, ratio in rows:
        print(f'| {name} | {seconds:.3f} | {ratio:.2f}x |')
    for mode, seconds in (('resample', t_fast), ('window', t_window)):
        print(f'\n{mode} fast mode vs exact mode per person-frame: '
              f'{t_exact / seconds:.2f}x faster; {mode} fast mode backbone '
              f'crops per person-frame: {crops[mode]:.2f} (exact: T = '
              f'{tdmi.num_frames})')


if __name__ == '__main__':
    main()
