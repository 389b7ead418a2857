# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Plot a logged value over training for runs of the synthetic benchmark.

    python tools/analysis_tools/plot_training_curves.py RESULT.json ... \
        [--key heatmap_peak] --out FILE.png

Each RESULT.json is a run's ``result.json`` of
``tools/analysis_tools/benchmark_synthetic.py``;
its ``losses`` hold the mean of each
logged value over ten equal windows of training (``heatmap_peak``,
``heatmap_entropy``, ``loss_kpt``, the MI groups). One line per run,
labelled with the run's name and its folder's seed; the values are also
printed as a table.
"""
import argparse
import json
import os.path as osp


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument(
        'results', nargs='+', help='result.json files of benchmark runs')
    parser.add_argument(
        '--key',
        default='heatmap_peak',
        help='the logged value to plot (default: heatmap_peak)')
    parser.add_argument('--out', required=True, help='the PNG to write')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 3.5))
    print(f'| run | {args.key}, mean of each tenth of training |')
    print('|---|---|')
    for path in args.results:
        with open(path) as f:
            result = json.load(f)
        values = result.get('losses', {}).get(args.key)
        if not values:
            raise SystemExit(f'{path}: no "{args.key}" in its losses')
        seed = osp.basename(osp.dirname(osp.dirname(path)))
        label = f'{result["name"]} ({seed})'
        iters = result['iters']
        xs = [(i + 0.5) * iters / len(values) for i in range(len(values))]
        ax.plot(xs, values, marker='o', label=label)
        print(f'| {label} | ' + ' '.join(f'{v:.3f}' for v in values) + ' |')
    ax.set_xlabel('training iteration')
    ax.set_ylabel(args.key)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(args.out, dpi=100)
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
