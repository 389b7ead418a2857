# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Does temporal context help on the synthetic set? Same budget for TDMI,
two ablations and the single-frame HRNet of the same size.

    python tools/benchmark_synthetic.py [--iters 500] [--work-dir DIR]

Trains, one after the other and from the same seed, on the synthetic
PoseTrack set (``data/synthetic_posetrack``, generated if missing; some key
frames there are motion-blurred or covered):

- TDMI: ``configs/smoke/tdmi_demo_synthetic.py`` (T = 3);
- TDMI without the MI losses (``head.mi_loss=None``);
- TDMI with single-stage differences (``temporal_encoder.stages=(3,)``);
- single-frame HRNet: ``configs/smoke/single_frame_demo_synthetic.py``
  (MMPose's TopdownPoseEstimator, same HRNet widths, input, schedule).

then prints per-group and per-joint AP on the validation split (TDMI
protocol, detected boxes) for each.
"""
import argparse
import os.path as osp

from tdmi_mmpose.apis import evaluate_runner, synthetic_config
from tdmi_mmpose.datasets import generate_synthetic_posetrack
from tdmi_mmpose.structures import POSEVAL_JOINTS

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))

SMOKE = osp.join(ROOT, 'configs', 'smoke')
RUNS = [
    ('TDMI', 'tdmi_demo_synthetic.py', {}),
    ('TDMI, no MI losses', 'tdmi_demo_synthetic.py', {
        'model.head.mi_loss': None
    }),
    ('TDMI, single-stage differences', 'tdmi_demo_synthetic.py', {
        'model.temporal_encoder.stages': (3, )
    }),
    ('single-frame HRNet', 'single_frame_demo_synthetic.py', {}),
]
GROUPS = ('Head', 'Shou', 'Elb', 'Wri', 'Hip', 'Knee', 'Ankl', 'Total')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--iters', type=int, default=500)
    parser.add_argument(
        '--work-dir', default=osp.join(ROOT, 'work_dirs', 'benchmark'))
    parser.add_argument(
        '--data-root', default=osp.join(ROOT, 'data', 'synthetic_posetrack'))
    args = parser.parse_args()
    if not osp.isfile(
            osp.join(args.data_root, 'annotations', 'posetrack18_val.json')):
        generate_synthetic_posetrack(args.data_root)

    from mmengine.runner import Runner
    results = {}
    for name, config, changes in RUNS:
        work_dir = osp.join(args.work_dir,
                            name.replace(' ', '_').replace(',', ''))
        cfg = synthetic_config(
            osp.join(SMOKE, config), args.data_root, work_dir, args.iters)
        cfg.merge_from_dict(changes)
        print(f'== {name}: {args.iters} iterations', flush=True)
        runner = Runner.from_cfg(cfg)
        runner.train()
        results[name] = evaluate_runner(runner)

    print(f'\nAP on the synthetic validation split after {args.iters} '
          'iterations (TDMI protocol, detected boxes)')
    print('| model | ' + ' | '.join(GROUPS) + ' |')
    print('|---|' + '---|' * len(GROUPS))
    for name, m in results.items():
        print(f'| {name} | ' + ' | '.join(f'{m[f"posetrack/{g} AP"]:.1f}'
                                          for g in GROUPS) + ' |')
    print('\nper joint:')
    print('| model | ' + ' | '.join(POSEVAL_JOINTS) + ' |')
    print('|---|' + '---|' * len(POSEVAL_JOINTS))
    for name, m in results.items():
        print(f'| {name} | ' + ' | '.join(f'{m[f"posetrack/{j}"]:.1f}'
                                          for j in POSEVAL_JOINTS) + ' |')


if __name__ == '__main__':
    main()
