# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Check the data of a config before a long run: every annotation file,
detection and frame of its splits, every problem listed at once.

    python tools/misc/check_dataset.py CONFIG [--splits train val test]
        [--workers 8] [--cfg-options k=v ...]

Exit status 1 if there is any problem (see
``tdmi_mmpose.datasets.check_posetrack_split`` for what is checked).
"""
import argparse
import sys

from mmengine.config import Config, DictAction

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.datasets import check_posetrack_split

SPLITS = dict(
    train='train_dataloader', val='val_dataloader', test='test_dataloader')


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('config', help='the config whose datasets to check')
    parser.add_argument(
        '--splits',
        nargs='+',
        default=list(SPLITS),
        choices=list(SPLITS),
        help=f'the dataloaders to check (default: all of {list(SPLITS)})')
    parser.add_argument(
        '--workers',
        type=int,
        default=8,
        help='threads decoding frames (default: 8)')
    parser.add_argument(
        '--max-listed',
        type=int,
        default=200,
        help='print at most this many problems (all are counted; default: '
        '200)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config fields, key=value (as tools/train.py)')
    args = parser.parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    total, seen = 0, set()
    for split in args.splits:
        key = SPLITS[split]
        if key not in cfg:
            print(f'{split}: not in the config')
            continue
        ds_cfg = cfg[key].dataset
        ident = repr(sorted(ds_cfg.items(), key=lambda kv: kv[0]))
        if ident in seen:
            print(f'{split}: same data as a split above')
            continue
        seen.add(ident)
        print(f'== {split}: checking')
        problems, counts = check_posetrack_split(ds_cfg, args.workers)
        print(f'{split}: {counts["annotation_files"]} annotation files, '
              f'{counts["detections"]} detections, {counts["frames"]} '
              f'frames checked; {len(problems)} problems')
        for problem in problems[:args.max_listed]:
            print(f'  {problem}')
        if len(problems) > args.max_listed:
            print(f'  ... and {len(problems) - args.max_listed} more')
        total += len(problems)
    print('OK' if total == 0 else f'{total} problems')
    return 0 if total == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
