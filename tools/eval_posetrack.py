# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Evaluate PoseTrack predictions like the official tool (poseval), without
it.

    python tools/eval_posetrack.py --gt GT_DIR --pred PRED_DIR [--track] \
        [--pair-by-position] [--out RESULT.json]

GT_DIR holds one ground-truth file per sequence (PoseTrack17 ``annolist`` or
PoseTrack18/21 format); PRED_DIR a file of the same name per sequence
(PoseTrack18 prediction format, or PoseTrack17), listing the same images in
the same order. Prints the official summary table; ``--out`` writes a JSON
object with the 15 joints' AP under poseval's names (``head_top``, ``neck``,
``nose``, ``right_shoulder``, ...), ``Head AP`` ... ``Ankl AP``,
``Total AP``, and with ``--track`` ``Total MOTA``, ``Total MOTP``,
``Total Prec``, ``Total Rec`` and ``<Group> MOTA``. NaN is written as null.
"""
import argparse
import json
import math
import os
import sys

from tdmi_mmpose.evaluation.functional import (evaluate_posetrack_folders,
                                               format_table, summarize)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--gt', required=True, help='ground-truth folder')
    parser.add_argument('--pred', required=True, help='prediction folder')
    parser.add_argument(
        '--track',
        action='store_true',
        help='also compute MOTA (needs track ids)')
    parser.add_argument(
        '--pair-by-position',
        action='store_true',
        help='pair frames by position only, as the official tool does '
        '(default: frame names must also agree where both files give them)')
    parser.add_argument('--out', help='write the numbers to this JSON file')
    return parser.parse_args(argv)


def _check_writable(path: str) -> None:
    """Fail before a long evaluation, not after it."""
    if os.path.isdir(path):
        raise ValueError(f'--out {path} is a folder; give a file name')
    existed = os.path.exists(path)
    try:
        with open(path, 'a'):
            pass
    except OSError as e:
        raise ValueError(f'--out {path} cannot be written: {e.strerror}')
    if not existed:
        os.remove(path)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        if args.out:
            _check_writable(args.out)
        result = evaluate_posetrack_folders(
            args.gt,
            args.pred,
            track=args.track,
            pair_by_position=args.pair_by_position)
    except (ValueError, OSError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    print(format_table(result))
    if args.out:
        summary = {
            k: (None if math.isnan(v) else v)
            for k, v in summarize(result).items()
        }
        with open(args.out, 'w') as f:
            json.dump(summary, f, indent=2)
        print(f'written to {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
