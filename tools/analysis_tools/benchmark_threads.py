# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Training-step time of the demo's two models with 1 and 2 torch threads,
alone and with one busy core beside them.

    python tools/analysis_tools/benchmark_threads.py [--steps 20]

The models and batches are the demo's (``configs/demo/``, its synthetic set
``data/synthetic_posetrack``, generated if missing): MMPose's single-frame
model (stage 1) and the small TDMI with the authors' MI terms (stage 2, its
projector terms off: no stage-1 checkpoint is needed for timing). The busy
core is a second Python process spinning. Prints seconds per step (median
of ``--steps`` after two warm-up steps) and each setting's ratio to one
thread alone, measured in this process. Run it with nothing else running.
"""
import argparse
import os
import os.path as osp
import statistics
import subprocess
import sys
import time

# the checkout's research code (tdmi_research: the synthetic sets, the
# configs of the synthetic runs, the MI-term diagnostics) is not installed
sys.path.insert(0,
                osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEMO_CONFIGS = osp.join(ROOT, 'configs', 'demo')
MODELS = {
    'single-frame (stage 1)': 'single_frame_demo_synthetic.py',
    "TDMI, authors' MI (stage 2)": 'tdmi_demo_synthetic.py',
}
SPIN = 'while True:\n    pass\n'


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument(
        '--steps',
        type=int,
        default=20,
        help='timed training steps per setting (default: 20)')
    parser.add_argument(
        '--data-root',
        default=osp.join(ROOT, 'data', 'synthetic_posetrack'),
        help='the demo\'s synthetic set (generated if missing)')
    args = parser.parse_args()
    if args.steps < 1:
        parser.error(f'--steps must be >= 1, got {args.steps}')
    return args


def _step_fn(config: str, data_root: str):
    """A closure running one training step of ``config``'s model on one
    fixed batch of the demo's training loader."""
    from mmengine.runner import Runner

    from tdmi_research import synthetic_config
    cfg = synthetic_config(config, data_root, '/tmp/tdmi_benchmark_threads')
    if cfg.model.type == 'VideoTopdownPoseEstimator':
        cfg.model.single_frame_checkpoint = None
        cfg.model.head.mi_loss.term_weights = dict(
            y_useful_heatmaps=0., y_appearance_heatmaps=0.)
    runner = Runner.from_cfg(cfg)
    optim = runner.build_optim_wrapper(runner.optim_wrapper)
    batch = next(iter(runner.train_dataloader))
    runner.model.train()
    return lambda: runner.model.train_step(batch, optim)


def _median_seconds(step, steps: int) -> float:
    for _ in range(2):
        step()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    args = parse_args()
    import torch

    import tdmi_mmpose  # noqa: F401
    if not osp.isfile(
            osp.join(args.data_root, 'annotations', 'posetrack18_val.json')):
        from tdmi_research import generate_synthetic_posetrack
        generate_synthetic_posetrack(args.data_root)
    cores = len(os.sched_getaffinity(0))
    print(f'{cores} cores; load average before: {os.getloadavg()[0]:.2f}')
    print('| model | threads | busy core beside | s/step | x (1 thread, '
          'alone) |')
    print('|---|---|---|---|---|')
    for name, config in MODELS.items():
        step = _step_fn(osp.join(DEMO_CONFIGS, config), args.data_root)
        base = None
        for busy in (False, True):
            spinner = subprocess.Popen([sys.executable, '-c', SPIN
                                        ]) if busy else None
            try:
                for threads in (1, cores):
                    torch.set_num_threads(threads)
                    seconds = _median_seconds(step, args.steps)
                    base = base or seconds
                    print(
                        f'| {name} | {threads} | {"yes" if busy else "no"} '
                        f'| {seconds:.3f} | {seconds / base:.2f}x |',
                        flush=True)
            finally:
                if spinner is not None:
                    spinner.kill()
                    spinner.wait()


if __name__ == '__main__':
    main()
