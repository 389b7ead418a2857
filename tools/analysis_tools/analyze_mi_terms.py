# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""What each MI term does to the features it trains, on training batches.

    python tools/analysis_tools/analyze_mi_terms.py CONFIG CHECKPOINT \
        [--ablation FILE] [--batches 4] [--cfg-options KEY=VALUE ...]

Prints, per active term of ``model.head.mi_loss``: its weight, its weighted
value and its size relative to the keypoint loss, the norm of the gradient
it sends into the feature it trains and the cosine of that gradient with
the keypoint loss's gradient on the same feature (negative: it pulls
against the keypoint target); then, per feature, the normalised spatial
entropy of softmax(x / 0.05) that the authors' surrogate scores, and the
feature's scale. See ``tdmi_research.mi_diagnostics``.

``--ablation FILE`` applies the delta of an ablation file to CONFIG first
(``tdmi_research.with_ablation``): e.g. a checkpoint of the demo's
model trained with ``configs/ablations/without_mi_losses.py``.
"""
import argparse
import os.path as osp
import sys

from mmengine.config import DictAction

# the checkout's research code (tdmi_research: the synthetic sets, the
# configs of the synthetic runs, the MI-term diagnostics) is not installed
sys.path.insert(0,
                osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument(
        '--ablation',
        help='an ablation file of configs/ablations whose delta applies to '
        'CONFIG')
    parser.add_argument('--batches', type=int, default=4)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmengine.registry import init_default_scope
    from mmengine.runner import Runner, load_checkpoint

    from tdmi_research import with_ablation
    from tdmi_research.mi_diagnostics import (format_diagnostics,
                                              mi_term_diagnostics)
    cfg = with_ablation(args.config, args.ablation)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmpose'))
    from mmpose.registry import MODELS
    model = MODELS.build(cfg.model)
    load_checkpoint(model, args.checkpoint, map_location='cpu')
    loader = Runner.build_dataloader(cfg.train_dataloader)
    batches = []
    for batch in loader:
        batches.append(batch)
        if len(batches) == args.batches:
            break
    try:
        diag = mi_term_diagnostics(model, batches)
    except ValueError as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    print(format_diagnostics(diag))
    return 0


if __name__ == '__main__':
    sys.exit(main())
