# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Write the synthetic PoseTrack-format video set (the embedded default).

    python tools/misc/generate_synthetic_posetrack.py OUT_DIR \
        [--train 6] [--val 3] [--frames 24] [--width 320] [--height 240] \
        [--seed 0] [--nuisance] [--background-objects N] \
        [--camera-shake PX] [--passers-by N] [--overwrite]

Irrelevant motion is off by default; ``--nuisance`` switches on the demo's
and the benchmark's (``tdmi_research.NUISANCE``: 3 moving background
objects, camera shake of 1.5 px, 1 passer-by per video), and each option
sets one amount. The arguments are written to ``OUT_DIR/generator.json``. A
folder that is not empty is refused unless ``--overwrite`` (which first
removes the folders the generator writes there).
"""
import argparse
import os.path as osp
import sys
import time

# the checkout's research code (tdmi_research: the synthetic sets, the
# configs of the synthetic runs, the MI-term diagnostics) is not installed
sys.path.insert(0,
                osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
from tdmi_research.synthetic import NUISANCE  # noqa: E402
from tdmi_research.synthetic import generate_synthetic_posetrack  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument(
        'out_dir', help='folder for the set (must be empty or new)')
    parser.add_argument(
        '--train', type=int, default=6, help='training videos (default: 6)')
    parser.add_argument(
        '--val', type=int, default=3, help='validation videos (default: 3)')
    parser.add_argument(
        '--frames',
        type=int,
        default=24,
        help='frames per video (default: 24)')
    parser.add_argument(
        '--width', type=int, default=320, help='frame width (default: 320)')
    parser.add_argument(
        '--height', type=int, default=240, help='frame height (default: 240)')
    parser.add_argument(
        '--seed', type=int, default=0, help='random seed (default: 0)')
    parser.add_argument(
        '--nuisance',
        action='store_true',
        help=f'irrelevant motion as in the demo\'s set ({NUISANCE})')
    parser.add_argument(
        '--background-objects',
        type=int,
        default=None,
        help='moving background objects per video (default: 0, or 3 with '
        '--nuisance)')
    parser.add_argument(
        '--camera-shake',
        type=float,
        default=None,
        help='standard deviation of the whole frame\'s jitter in pixels '
        '(default: 0, or 1.5 with --nuisance)')
    parser.add_argument(
        '--passers-by',
        type=int,
        default=None,
        help='unannotated figures crossing each video (default: 0, or 1 '
        'with --nuisance)')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='write into a folder that is not empty (removes the previous '
        'set there first)')
    args = parser.parse_args()
    motion = dict(NUISANCE) if args.nuisance else {}
    for key in NUISANCE:
        if getattr(args, key) is not None:
            motion[key] = getattr(args, key)
    start = time.perf_counter()
    try:
        written = generate_synthetic_posetrack(
            args.out_dir,
            splits=dict(train=args.train, val=args.val),
            num_frames=args.frames,
            image_size=(args.width, args.height),
            seed=args.seed,
            overwrite=args.overwrite,
            **motion)
    except (FileExistsError, ValueError) as e:
        print(f'error: {e}', file=sys.stderr)
        sys.exit(1)
    for split, seqs in written.items():
        print(f'{split}: {len(seqs)} videos x {args.frames} frames')
    print(f'written to {args.out_dir} in {time.perf_counter() - start:.1f} s')


if __name__ == '__main__':
    main()
