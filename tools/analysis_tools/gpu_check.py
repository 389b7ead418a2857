# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""One prepared check of the GPU user's path, for a GPU lent for minutes.

    python tools/analysis_tools/gpu_check.py [--batch 30] [--budget-min 8] \
        [--train-samples N] [--out report.json] [--tiny]

On one GPU, in about ``--budget-min`` minutes, it runs and prints:

1. the CUDA tests (``pytest -m cuda tests/test_cuda.py``): passed, failed,
   skipped;
2. the W48 recipe's training step (MMEngine's ``OptimWrapper``, and
   ``AmpOptimWrapper`` for AMP: float16 with loss scaling) against MMPose's
   single-frame HRNet-W48 step at the same batch, both built in this
   process: median seconds, peak memory (``max_memory_allocated``), the
   ratio; and the largest batch that fits each (doubling, then bisecting,
   up to ``--max-batch``);
3. an estimate of training memory per clip and fixed (autograd's saved
   tensors and the weights, float32) and the clips that fit 24 / 40 / 80 GB
   cards by it (``--memory-only`` prints only this, on any device);
   the projected PoseTrack epoch: step seconds / batch x the training
   samples (``--train-samples``: a dataset's length, which
   ``tools/misc/check_dataset.py`` prints; without it, per 10,000 samples);
4. inference per person-frame: MMPose's single-frame path, TDMI exact and
   the two fast modes (``benchmark_speed.py``'s stream);
5. the synthetic two-stage benchmark (``benchmark_synthetic.py --set demo
   --sizes recipe``: the MI terms at the recipe's sizes; seed 0,
   single-frame / no MI / the recipe) for as many iterations as the budget
   leaves (at most 500, the demo's protocol).

Random weights and inputs of the configs' sizes for 2-4 (no data, no
download). Without a GPU (or with ``--tiny``) it runs the same report on
the tests' tiny configs, on CPU, with a few steps and without section 5, so
the suite keeps it working; every figure is then a CPU figure and says so.
``--out`` writes the report as JSON.
"""
import argparse
import json
import os.path as osp
import re
import subprocess
import sys
import time

import torch

HERE = osp.dirname(osp.abspath(__file__))
ROOT = osp.dirname(osp.dirname(HERE))
sys.path.insert(0, HERE)  # benchmark_speed, its sibling
sys.path.insert(0, ROOT)  # tdmi_research, the checkout's research code

W48 = (osp.join(ROOT, 'configs', 'tdmi_hrnet_w48_posetrack17.py'),
       osp.join(ROOT, 'configs', 'stage1', 'hrnet_w48_posetrack18_384x288.py'))
TINY = (osp.join(ROOT, 'configs', 'demo', 'tdmi_hrnet_tiny.py'),
        osp.join(ROOT, 'tests', 'configs', 'topdown_hrnet_tiny_coco.py'))
PER_SAMPLES = 10000
# assumed seconds per iteration of a demo-sized model on a GPU (section 5)
SECONDS_PER_ITER = 0.1


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument(
        '--batch',
        type=int,
        default=None,
        help='clips per training step (default: 30, the authors\'; 2 in '
        'the tiny mode)')
    parser.add_argument('--steps', type=int, default=None)
    parser.add_argument(
        '--max-batch',
        type=int,
        default=None,
        help='the batch search stops here (default: 128; 4 in the tiny '
        'mode)')
    parser.add_argument('--budget-min', type=float, default=8.0)
    parser.add_argument(
        '--train-samples',
        type=int,
        default=None,
        help='training samples of an epoch, for the epoch projection')
    parser.add_argument('--frames', type=int, default=None)
    parser.add_argument(
        '--tiny',
        action='store_true',
        help='the tests\' tiny configs on CPU (implied without a GPU)')
    parser.add_argument('--no-tests', action='store_true')
    parser.add_argument(
        '--memory-only',
        action='store_true',
        help='only the memory estimate of the W48 recipe, on this machine\'s '
        'device (CPU without a GPU): what docs/training.md quotes')
    parser.add_argument('--out', help='write the report as JSON here')
    args = parser.parse_args(argv)
    gpu = torch.cuda.is_available()
    args.tiny = (args.tiny or not gpu) and not args.memory_only
    args.device = 'cuda' if gpu and not args.tiny else 'cpu'
    defaults = dict(batch=2, steps=2, max_batch=4, frames=3) if args.tiny \
        else dict(batch=30, steps=5, max_batch=128, frames=16)
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    for key in ('batch', 'steps', 'max_batch', 'frames'):
        if getattr(args, key) < 1:
            parser.error(f'--{key.replace("_", "-")} must be >= 1')
    if args.max_batch < args.batch:
        parser.error('--max-batch must be >= --batch')
    return args


def _device_line(device: str) -> dict:
    from tdmi_mmpose.apis.video.boxes import mmcv_has_cuda_ops
    name = torch.cuda.get_device_name() if device == 'cuda' else 'CPU'
    return dict(
        device=name,
        torch=torch.__version__,
        cuda=torch.version.cuda,
        mmcv_cuda_ops=mmcv_has_cuda_ops(),
        threads=torch.get_num_threads())


def cuda_tests() -> dict:
    """``pytest -m cuda tests/test_cuda.py``: counts and the run's time."""
    start = time.perf_counter()
    out = subprocess.run([
        sys.executable, '-m', 'pytest', '-m', 'cuda', '-q', '-rs', '-p',
        'no:cacheprovider',
        osp.join(ROOT, 'tests', 'test_cuda.py')
    ],
                         cwd=ROOT,
                         stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT,
                         text=True).stdout
    counts = {
        word: int(n)
        for n, word in re.findall(r'(\d+) (passed|failed|skipped|error)', out)
    }
    reasons = sorted(set(re.findall(r'SKIPPED \[\d+\] [^:]+:\d+: (.*)', out)))
    return dict(
        counts=counts,
        skip_reasons=reasons,
        seconds=time.perf_counter() - start,
        tail=out.strip().splitlines()[-1] if out.strip() else '')


def _wrapper(model, device: str, amp: bool):
    """MMEngine's optimiser wrappers, as ``tools/train.py`` builds them:
    ``AmpOptimWrapper`` (float16, loss scaling) for AMP on CUDA; on CPU
    this package's ``CPUAmpOptimWrapper`` (bfloat16), which the train tool
    takes there."""
    from mmengine.optim import AmpOptimWrapper, OptimWrapper

    from tdmi_mmpose.engine.optim_wrappers import CPUAmpOptimWrapper
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=1e-4)
    if not amp:
        return OptimWrapper(optimizer)
    if device == 'cuda':
        return AmpOptimWrapper(optimizer=optimizer, dtype='float16')
    return CPUAmpOptimWrapper(optimizer=optimizer)


def _step_fn(model, cfg, batch: int, device: str, amp: bool):
    from benchmark_speed import _inputs, _samples
    wrapper = _wrapper(model, device, amp)
    if amp and device == 'cpu':
        # MMPose's HeatmapHead scores its training accuracy in NumPy, which
        # has no bfloat16: skip that score under CPU autocast (not a loss)
        model.train_cfg = dict(model.train_cfg or {}, compute_acc=False)
    inputs = _inputs(model, cfg, batch, device)
    samples = _samples(cfg, batch, device)

    def step():
        with wrapper.optim_context(model):
            losses = model.loss(inputs, samples)
        loss = sum(v for k, v in losses.items() if k.startswith('loss'))
        if not torch.isfinite(loss):
            raise RuntimeError(f'loss is {loss}')
        wrapper.update_params(loss)

    return step


def _is_oom(error: Exception) -> bool:
    return isinstance(error, torch.cuda.OutOfMemoryError) or (isinstance(
        error, RuntimeError) and 'out of memory' in str(error))


def _fits(model, cfg, batch: int, device: str, amp: bool) -> bool:
    try:
        _step_fn(model, cfg, batch, device, amp)()
        return True
    except Exception as error:  # noqa: BLE001 (only out-of-memory is a no)
        if not _is_oom(error):
            raise
        return False
    finally:
        model.zero_grad(set_to_none=True)
        if device == 'cuda':
            torch.cuda.empty_cache()


def largest_batch(model, cfg, start: int, cap: int, device: str,
                  amp: bool) -> int:
    """The largest batch in [1, cap] whose step runs: doubling from
    ``start`` while it fits, then bisecting; 0 if not even 1 fits."""
    good, bad = 0, cap + 1
    batch = start
    while batch <= cap:
        if _fits(model, cfg, batch, device, amp):
            good = batch
            batch = min(batch * 2, cap) if batch < cap else cap + 1
        else:
            bad = batch
            break
    lo = good
    if bad <= cap:
        lo, hi = good, bad
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if _fits(model, cfg, mid, device, amp):
                lo = mid
            else:
                hi = mid
    return lo


def training_rows(configs, batch: int, steps: int, cap: int,
                  device: str) -> list:
    """One row per (model, precision): median step seconds, peak memory
    (MiB), the ratio to the single-frame step of the same precision, the
    largest batch that fits."""
    from benchmark_speed import _build, _median_seconds, _peak_memory_mib
    tdmi_config, single_config = configs
    rows = []
    for amp in (False, True):
        base = None
        for name, config in (('single-frame HRNet (MMPose)', single_config),
                             ('TDMI recipe', tdmi_config)):
            model, cfg = _build(config, device)
            if device == 'cuda':
                torch.cuda.reset_peak_memory_stats()
            seconds = _median_seconds(
                _step_fn(model, cfg, batch, device, amp), steps, device)
            memory = _peak_memory_mib(device)
            base = seconds if base is None else base
            rows.append(
                dict(
                    model=name,
                    precision=('float16 (AmpOptimWrapper)'
                               if amp else 'float32') if device == 'cuda' else
                    ('bfloat16 (CPUAmpOptimWrapper)' if amp else 'float32'),
                    batch=batch,
                    seconds=seconds,
                    peak_mib=memory,
                    ratio=seconds / base,
                    largest_batch=largest_batch(model, cfg, batch, cap, device,
                                                amp)))
            del model
            if device == 'cuda':
                torch.cuda.empty_cache()
    return rows


def saved_tensor_mib(model, cfg, batch: int, device: str) -> float:
    """MiB of the tensors a training forward keeps for the backward pass
    (each storage counted once), at ``batch``: the part of training memory
    that grows with the batch."""
    from benchmark_speed import _inputs, _samples
    storages = {}

    def pack(tensor):
        if tensor.device.type == torch.device(device).type:
            storage = tensor.untyped_storage()
            storages[storage.data_ptr()] = storage.nbytes()
        return tensor

    inputs = _inputs(model, cfg, batch, device)
    samples = _samples(cfg, batch, device)
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        losses = model.loss(inputs, samples)
    del losses
    return sum(storages.values()) / 2**20


def memory_estimate(config: str, device: str) -> dict:
    """Training memory of a config in float32 from what autograd keeps:
    per clip (the saved tensors at batch 2 minus batch 1) and fixed (the
    rest of batch 1's, the parameters, and for the trainable ones their
    gradients and AdamW's two moments). An estimate: it leaves out the
    frozen passes' transient activations, cuDNN workspaces and the
    allocator's slack, which ``peak MiB`` above includes."""
    from benchmark_speed import _build
    model, cfg = _build(config, device)
    one, two = (saved_tensor_mib(model, cfg, b, device) for b in (1, 2))
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    frozen = sum(p.numel() for p in model.parameters() if not p.requires_grad)
    weights = (4 * trainable + frozen) * 4 / 2**20
    per_clip = two - one
    fixed = one - per_clip + weights
    return dict(
        per_clip_mib=per_clip,
        fixed_mib=fixed,
        clips_per_gpu={
            f'{gb} GB': int((gb * 1000**3 / 2**20 - fixed) // per_clip)
            for gb in (24, 40, 80)
        })


def epoch_projection(rows: list, samples: int) -> list:
    """Minutes of an epoch of ``samples`` clips per TDMI row."""
    return [
        dict(
            precision=r['precision'],
            samples=samples,
            minutes=r['seconds'] / r['batch'] * samples / 60) for r in rows
        if r['model'] == 'TDMI recipe'
    ]


def inference_rows(configs, frames: int, device: str) -> list:
    from benchmark_speed import _shipped_paths
    tdmi_config, single_config = configs
    seconds, crops = _shipped_paths(single_config, tdmi_config, frames, device)
    names = ('single-frame (inference_topdown)', 'TDMI exact (inference_clip)',
             'TDMI fast, resample', 'TDMI fast, window')
    return [
        dict(
            path=name,
            seconds=s,
            ratio=s / seconds[0],
            backbone_crops=dict(
                zip(names[2:],
                    [crops['resample'], crops['window']])).get(name))
        for name, s in zip(names, seconds)
    ]


def synthetic_benchmark(minutes_left: float, work_dir: str) -> dict:
    """``benchmark_synthetic.py --set demo --sizes recipe`` (the MI terms
    at the recipe's sizes) at seed 0, single-frame / no MI / the recipe,
    for as many iterations as the time left allows: at most the demo's
    500, counted at ``SECONDS_PER_ITER`` per iteration of each of the three
    trainings (an assumption for a GPU, not a measurement; the run is
    stopped at the budget either way)."""
    iters = int(min(500, (minutes_left - 1.0) * 60 / 3 / SECONDS_PER_ITER))
    if iters < 50:
        return dict(run=False, why=f'{minutes_left:.1f} min left')
    cmd = [
        sys.executable,
        osp.join(HERE, 'benchmark_synthetic.py'), '--set', 'demo', '--sizes',
        'recipe', '--iters',
        str(iters), '--seeds', '0', '--only', 'no MI losses', 'recipe',
        '--work-dir', work_dir
    ]
    try:
        out = subprocess.run(
            cmd,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=int(minutes_left * 60)).stdout
    except subprocess.TimeoutExpired:
        return dict(
            run=False,
            why=f'stopped at the budget ({minutes_left:.1f} min) before '
            f'{iters} iterations ended')
    return dict(
        run=True,
        iters=iters,
        command=' '.join(cmd[1:]),
        table=[line for line in out.splitlines() if line.startswith('|')])


def _print_report(report: dict) -> None:
    d = report['device']
    print(f'\n== GPU check: {d["device"]}, torch {d["torch"]} (CUDA '
          f'{d["cuda"]}), mmcv CUDA ops: {d["mmcv_cuda_ops"]}, mode: '
          f'{report["mode"]} ==')
    tests = report['cuda_tests']
    print('\n1. CUDA tests: ' +
          ('not run (--no-tests)' if tests is None else ', '.join(
              f'{n} {w}' for w, n in tests['counts'].items()) +
           f' ({tests["seconds"]:.0f} s)' +
           ''.join(f'\n   skipped: {r}' for r in tests['skip_reasons'])))
    print(f'\n2. training step, batch {report["batch"]}, median of '
          f'{report["steps"]} steps')
    print('| model | precision | seconds | peak MiB | ratio | largest batch |')
    print('|---|---|---|---|---|---|')
    for r in report['training']:
        print(f'| {r["model"]} | {r["precision"]} | {r["seconds"]:.3f} | '
              f'{r["peak_mib"]:.0f} | {r["ratio"]:.2f}x | '
              f'{r["largest_batch"]} (searched to {report["max_batch"]}) |')
    m = report['memory']
    print(f'   memory estimate (float32, autograd\'s saved tensors; '
          f'{report["memory_config"]}): {m["per_clip_mib"]:.0f} MiB per clip, '
          f'{m["fixed_mib"]:.0f} MiB fixed -> clips per GPU ' +
          ', '.join(f'{k}: {v}' for k, v in m['clips_per_gpu'].items()))
    print('\n3. projected epoch (TDMI recipe)')
    for e in report['epoch']:
        print(f'   {e["precision"]}: {e["minutes"]:.1f} min per '
              f'{e["samples"]} training samples')
    print('\n4. inference per person-frame')
    print('| path | seconds | ratio | backbone crops per person-frame |')
    print('|---|---|---|---|')
    for r in report['inference']:
        crops = '' if r['backbone_crops'] is None else \
            f'{r["backbone_crops"]:.2f}'
        print(f'| {r["path"]} | {r["seconds"]:.4f} | {r["ratio"]:.2f}x | '
              f'{crops} |')
    syn = report['synthetic']
    print('\n5. synthetic two-stage benchmark: ' + (
        f'{syn["iters"]} iterations ({syn["command"]})\n' +
        '\n'.join(syn['table']) if syn['run'] else f'not run ({syn["why"]})'))
    print(f'\ntotal {report["minutes"]:.1f} min')


def main(argv=None) -> dict:
    args = parse_args(argv)
    start = time.perf_counter()
    if args.memory_only:
        memory = memory_estimate(W48[0], args.device)
        print(f'W48 recipe ({osp.relpath(W48[0], ROOT)}), float32, '
              f'{args.device}: ' + json.dumps(memory))
        return memory
    configs = TINY if args.tiny else W48
    report = dict(
        mode='tiny (tests\' configs, CPU)'
        if args.tiny else 'W48 recipe, one GPU',
        device=_device_line(args.device),
        batch=args.batch,
        steps=args.steps,
        max_batch=args.max_batch)
    report['cuda_tests'] = None if args.no_tests else cuda_tests()
    report['training'] = training_rows(configs, args.batch, args.steps,
                                       args.max_batch, args.device)
    report['memory_config'] = osp.relpath(configs[0], ROOT)
    report['memory'] = memory_estimate(configs[0], args.device)
    report['epoch'] = epoch_projection(report['training'], args.train_samples
                                       or PER_SAMPLES)
    with torch.no_grad():
        report['inference'] = inference_rows(configs, args.frames, args.device)
    left = args.budget_min - (time.perf_counter() - start) / 60
    if args.tiny:
        report['synthetic'] = dict(run=False, why='tiny mode')
    else:
        report['synthetic'] = synthetic_benchmark(
            left, osp.join(ROOT, 'work_dirs', 'gpu_check_synthetic'))
    report['minutes'] = (time.perf_counter() - start) / 60
    _print_report(report)
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(report, f, indent=1)
    return report


if __name__ == '__main__':
    main()
