# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Evaluate PoseTrack predictions like the official tool (poseval), without
it.

    python tools/misc/eval_posetrack.py --gt GT_DIR --pred PRED_DIR [--track] \
        [--protocol posetrack18|posetrack21] [--pair-by-position] \
        [--out RESULT.json] [--frames FRAMES.json] [--where FIELD=VALUE ...]

GT_DIR holds one ground-truth file per sequence (PoseTrack17 ``annolist`` or
PoseTrack18/21 format); PRED_DIR a file of the same name per sequence
(PoseTrack18 prediction format, or PoseTrack17), listing the same images in
the same order. Prints the official summary table; ``--out`` writes a JSON
object with the 15 joints' AP under poseval's names (``head_top``, ``neck``,
``nose``, ``right_shoulder``, ...), ``Head AP`` ... ``Ankl AP``,
``Total AP``, and with ``--track`` ``Total MOTA``, ``Total MOTP``,
``Total Prec``, ``Total Rec`` and ``<Group> MOTA``. NaN is written as null.

``--protocol posetrack21`` evaluates as PoseTrack21's official kit does
(its PosemAP and, with ``--track``, HOTAeypoints; docs/evaluation.md): the
same AP keys, plus ``<Group> Precision`` / ``<Group> Recall`` and with
``--track`` the kit's Total values under ``HOTA``, ``DetA``, ``AssA``,
``LocA``, ``DetRe``, ``DetPr``, ``AssRe``, ``AssPr``, ``FragA``, ``RHOTA``,
``FA-HOTA``, ``FA-RHOTA``. Both folders then hold PoseTrack21 files (the
ground truth with ``is_labeled``, ignore regions and ``bbox_head``).

``--frames`` / ``--where`` evaluate on a subset of the ground-truth frames
only (e.g. occluded or blurred ones), exactly as the official tool would
evaluate files holding only those frames (see
``tdmi_mmpose.evaluation.functional.FrameSubset``): ``--frames`` names a
JSON list of PoseTrack18 image ids or image file names; ``--where
degraded=blur`` selects images whose ground-truth entry has that field
value (``FIELD=null``: the field is missing); both may be combined.
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
        '--protocol',
        choices=('posetrack18', 'posetrack21'),
        default='posetrack18',
        help='posetrack18: the official poseval (AP, MOTA; default); '
        'posetrack21: PoseTrack21\'s official kit (AP, HOTA)')
    parser.add_argument(
        '--pair-by-position',
        action='store_true',
        help='pair frames by position only, as the official tool does '
        '(default: frame names must also agree where both files give them)')
    parser.add_argument('--out', help='write the numbers to this JSON file')
    parser.add_argument(
        '--frames',
        help='JSON file: a list of image ids or file names to evaluate on')
    parser.add_argument(
        '--where',
        action='append',
        metavar='FIELD=VALUE',
        help='evaluate on GT images whose entry has FIELD = VALUE (VALUE '
        'read as JSON where it parses, else as a string; null = missing); '
        'repeat for several fields')
    return parser.parse_args(argv)


def _subset(args):
    """The ``--frames`` / ``--where`` subset spec, or None."""
    where = {}
    for item in args.where or ():
        field, sep, value = item.partition('=')
        if not sep or not field:
            raise ValueError(f'--where {item!r}: expected FIELD=VALUE')
        try:
            where[field] = json.loads(value)
        except json.JSONDecodeError:
            where[field] = value
    if args.frames is None and not where:
        return None
    spec = {}
    if args.frames is not None:
        try:
            with open(args.frames) as f:
                spec['frames'] = json.load(f)
        except OSError as e:
            raise ValueError(f'--frames {args.frames}: {e.strerror}')
        except json.JSONDecodeError as e:
            raise ValueError(f'--frames {args.frames}: not valid JSON ({e})')
        if not isinstance(spec['frames'], list):
            raise ValueError(f'--frames {args.frames}: expected a JSON list '
                             'of image ids or file names')
    if where:
        spec['where'] = where
    return spec


def _check_writable(path: str, args) -> None:
    """Fail before a long evaluation, not after it: a writable file that
    is no input and lies in no input folder (a result file inside --gt
    would be read as a sequence by the next evaluation)."""
    from tdmi_mmpose.posetrack_format import check_outputs
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
    check_outputs([path], [args.gt, args.pred, args.frames], '--out')


def _posetrack21(args) -> int:
    from tdmi_mmpose.evaluation.functional.posetrack21_eval import (
        evaluate_posetrack21, format_table21, load_posetrack21_folders,
        summarize_posetrack21)
    if args.frames or args.where or args.pair_by_position:
        print(
            'error: --frames, --where and --pair-by-position belong to '
            'the posetrack18 protocol',
            file=sys.stderr)
        return 1
    try:
        if args.out:
            _check_writable(args.out, args)
        result = evaluate_posetrack21(
            load_posetrack21_folders(args.gt, args.pred), track=args.track)
    except (ValueError, OSError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    print(format_table21(result))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(summarize_posetrack21(result), f, indent=2)
        print(f'written to {args.out}')
    return 0


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.protocol == 'posetrack21':
        return _posetrack21(args)
    try:
        if args.out:
            _check_writable(args.out, args)
        frames = _subset(args)
        result = evaluate_posetrack_folders(
            args.gt,
            args.pred,
            track=args.track,
            pair_by_position=args.pair_by_position,
            frames=frames)
    except (ValueError, OSError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    if frames is not None:
        print(f'on {result["num_frames"]} selected frames')
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
