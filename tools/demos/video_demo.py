# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Pose estimation with track ids on your own video (MMPose's demo
conventions).

    python tools/demos/video_demo.py CONFIG [CHECKPOINT]
        --input VIDEO|FRAME_DIR|SEQUENCE_JSON
        [--det-config C --det-checkpoint W | --bboxes FILE | --gt-bboxes]
        --output-root DIR [--save-predictions] [--no-video] [--device cpu]
        [--backend torch|onnxruntime --onnx FILE.onnx]
        [--fast [resample|window]]

Writes ``DIR/<input name>.mp4`` (skeletons coloured by track id, drawn by
MMPose's visualiser) and, with ``--save-predictions``, ``DIR/<input
name>.json``: a PoseTrack18 file with track ids and per-joint scores that
``tools/misc/eval_posetrack.py --track`` evaluates. Frames are read once, in
order, with about T frames (plus a detector batch) in memory; see
``tdmi_mmpose.apis.video``.

``--backend onnxruntime --onnx FILE`` computes the heatmaps with onnxruntime
from a file of ``tools/deployment/export_onnx.py``
(same config and checkpoint);
preprocessing, flip test, decoding and tracking stay the same.

``--fast`` (``--fast resample``) passes each frame through the backbone once
per person and resamples its features into the key crops of the frames it
supports (``tdmi_mmpose.apis.video.resample_mode``); ``--fast window``
crops each person's clips with a window that stays put while the person
stays inside it, each (frame, window) crop through the backbone once
(``tdmi_mmpose.apis.video.window_mode``). The default exact mode (T backbone
passes per person and key frame) is what ``tools/test.py`` evaluates. Speed
and accuracy against it: ``tools/analysis_tools/benchmark_video_modes.py``
and docs/video.md.
"""
import argparse
import sys


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('config', help='TDMI config')
    parser.add_argument(
        'checkpoint',
        nargs='?',
        help='TDMI checkpoint (default: none, i.e. the config\'s own '
        'initialisation; for testing the tool only)')
    parser.add_argument(
        '--checkpoint',
        dest='checkpoint_opt',
        metavar='CHECKPOINT',
        help='the checkpoint given as an option instead')
    parser.add_argument(
        '--input',
        required=True,
        help='a video file, a folder of frames or a PoseTrack sequence file')
    parser.add_argument(
        '--data-root',
        help='PoseTrack data root of a sequence file (default: the folder '
        'that holds its annotations/)')
    boxes = parser.add_mutually_exclusive_group()
    boxes.add_argument(
        '--bboxes',
        help='a detection file (MMPose\'s format or the PoseWarper/DCPose '
        'val_boxes.json form)')
    boxes.add_argument(
        '--gt-bboxes',
        action='store_true',
        help='the sequence file\'s ground-truth boxes')
    boxes.add_argument(
        '--det-config',
        help='MMDetection config file, or mmdet::PATH in mmdet\'s own '
        'configs (person boxes from that detector; default without '
        '--bboxes / --gt-bboxes: MMPose\'s default person detector, '
        'downloaded on first use)')
    parser.add_argument(
        '--det-checkpoint',
        help='MMDetection checkpoint, file or URL (default: none, random '
        'weights)')
    parser.add_argument(
        '--det-cat-id',
        type=int,
        default=0,
        help='the detector\'s person category id (default: 0, COCO\'s '
        'person)')
    parser.add_argument(
        '--det-batch',
        type=int,
        default=8,
        help='frames per detector batch (default: 8)')
    parser.add_argument(
        '--bbox-thr',
        type=float,
        default=None,
        help='box score threshold (default: 0.3 for the detector, '
        'MMPose\'s demo value; for a box file the config\'s test '
        'bbox_score_thr, 0.2 in the recipes; 0 for ground-truth boxes)')
    parser.add_argument(
        '--tracking',
        choices=['iou', 'oks'],
        default='iou',
        help='how people are matched frame to frame: box IoU or keypoint '
        'OKS (MMPose\'s helpers; default: iou)')
    parser.add_argument(
        '--track-thr',
        type=float,
        default=0.3,
        help='least IoU/OKS to continue a track, else a new id (default: '
        '0.3)')
    parser.add_argument(
        '--kpt-thr',
        type=float,
        default=0.3,
        help='keypoints scoring below this are not drawn (default: 0.3)')
    parser.add_argument(
        '--output-root',
        required=True,
        help='folder for the rendered video and the predictions (created; '
        'never an input\'s folder)')
    parser.add_argument(
        '--save-predictions',
        action='store_true',
        help='also write OUTPUT_ROOT/<input name>.json, PoseTrack18 with '
        'track ids (default: off)')
    parser.add_argument(
        '--no-video',
        action='store_true',
        help='do not render OUTPUT_ROOT/<input name>.mp4 (default: '
        'rendered)')
    parser.add_argument(
        '--device',
        default='cpu',
        help='torch device of the pose model and the detector (default: '
        'cpu)')
    parser.add_argument(
        '--fps',
        type=float,
        default=None,
        help='frame rate of the rendered video (default: the input\'s, '
        'else 10)')
    parser.add_argument(
        '--backend',
        choices=['torch', 'onnxruntime'],
        default='torch',
        help='what computes the heatmaps (default: torch)')
    parser.add_argument(
        '--onnx', help='exported model for --backend onnxruntime')
    parser.add_argument(
        '--fast',
        nargs='?',
        const='resample',
        choices=['resample', 'window'],
        help='reuse backbone features across key frames (torch backend): '
        'resample (the default of --fast: each frame once per person, '
        'resampled into the key crops) or window (crop windows that stay '
        'put)')
    parser.add_argument(
        '--window-margin',
        type=float,
        default=None,
        help='--fast window: how far the person\'s crop centre may move '
        'from the window\'s, as a fraction of its size (default: 0.03)')
    parser.add_argument(
        '--min-iou',
        type=float,
        default=None,
        help='--fast resample: the least crop overlap for reusing a '
        'frame\'s features (below it: the exact crop; default: 0.5)')
    args = parser.parse_args(argv)
    if args.fast and args.backend != 'torch':
        parser.error('--fast runs the torch model (the exported file takes '
                     'whole clips)')
    if (args.backend == 'onnxruntime') != bool(args.onnx):
        parser.error('--backend onnxruntime and --onnx FILE go together')
    if args.fps is not None and not args.fps > 0:
        parser.error(f'--fps must be > 0, got {args.fps}')
    if args.det_batch < 1:
        parser.error(f'--det-batch must be >= 1, got {args.det_batch}')
    mode_of = dict(window_margin='window', min_iou='resample')
    for option, mode in mode_of.items():
        if getattr(args, option) is not None and args.fast != mode:
            parser.error(f'--{option.replace("_", "-")} is an option of '
                         f'--fast {mode}: without it, it would be ignored')
    if args.window_margin is not None and not 0 <= args.window_margin < 0.5:
        parser.error(f'--window-margin must be in [0, 0.5), got '
                     f'{args.window_margin}')
    for name in ('bbox_thr', 'track_thr', 'kpt_thr', 'min_iou'):
        value = getattr(args, name)
        if value is not None and not 0 <= value <= 1:
            parser.error(f'--{name.replace("_", "-")} must be in [0, 1], '
                         f'got {value}')
    args.checkpoint = args.checkpoint or args.checkpoint_opt
    if args.gt_bboxes and not args.input.endswith('.json'):
        parser.error('--gt-bboxes needs a PoseTrack sequence file as --input')
    return args


def _fast_options(args) -> dict:
    """The fast mode's options given (the others keep the estimator's
    defaults)."""
    given = dict(margin=args.window_margin, min_iou=args.min_iou)
    return {k: v for k, v in given.items() if v is not None}


def main(argv=None) -> int:
    args = parse_args(argv)
    from tdmi_mmpose.apis.video import VideoPoseInferencer, score_sequence
    from tdmi_mmpose.apis.video.inferencer import NoPersonDetector
    if not args.checkpoint:
        print(
            'WARNING: no checkpoint given: the TDMI model has RANDOM '
            'weights, its keypoints mean nothing',
            file=sys.stderr)
    try:
        inferencer = VideoPoseInferencer(
            args.config,
            args.checkpoint,
            det_model=args.det_config,
            det_weights=args.det_checkpoint,
            det_cat_ids=args.det_cat_id,
            device=args.device,
            fast=args.fast or False,
            fast_options=_fast_options(args),
            backend=args.backend,
            onnx=args.onnx)
    except (ImportError, ValueError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    bboxes = args.bboxes or ('gt' if args.gt_bboxes else None)
    out: dict = {}
    try:
        for _ in inferencer(
                args.input,
                bboxes=bboxes,
                bbox_thr=args.bbox_thr,
                kpt_thr=args.kpt_thr,
                vis_out_dir='' if args.no_video else args.output_root,
                pred_out_dir=args.output_root if args.save_predictions else '',
                tracking=args.tracking,
                track_thr=args.track_thr,
                data_root=args.data_root,
                fps=args.fps,
                det_batch=args.det_batch,
                progress=True,
                summary=out):
            pass
    except NoPersonDetector as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    if not out.get('frames'):
        return 1
    print(f'{out["name"]}: {out["frames"]} frames, {out["people"]} people '
          f'in {out["seconds"]:.1f} s '
          f'({out["frames"] / max(out["seconds"], 1e-9):.2f} frames/s, '
          'decoding and detection included)')
    if out['skipped_empty']:
        print(f'{out["skipped_empty"]} boxes of zero width or height were '
              'skipped')
    if out['people'] == 0:
        print(
            f'WARNING: no person in any frame of {out["name"]} (no box '
            f'above the threshold)',
            file=sys.stderr)
    for key in ('json', 'video'):
        if out[key]:
            print(f'{key}: {out[key]}')
    if out['json'] and args.input.endswith('.json'):
        # a PoseTrack sequence: score the predictions against it
        scores = score_sequence(args.input, out['json'])
        print(f'{out["name"]} against its ground truth: mAP '
              f'{scores["ap"]:.1f}, MOTA {scores["mota"]:.1f}' +
              ('' if scores['hota'] is
               None else f', HOTA {scores["hota"]:.1f} (PoseTrack21\'s kit)'))
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except (ValueError, FileNotFoundError) as e:
        print(f'error: {e}', file=sys.stderr)
        sys.exit(1)
