# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Pose estimation with track ids on your own video (MMPose's demo
conventions).

    python tools/video_demo.py CONFIG [CHECKPOINT]
        --input VIDEO|FRAME_DIR|SEQUENCE_JSON
        [--det-config C --det-checkpoint W | --bboxes FILE | --gt-bboxes]
        --output-root DIR [--save-predictions] [--no-video] [--device cpu]

Writes ``DIR/<input name>.mp4`` (skeletons coloured by track id, drawn by
MMPose's visualiser) and, with ``--save-predictions``, ``DIR/<input
name>.json``: a PoseTrack18 file with track ids and per-joint scores that
``tools/eval_posetrack.py --track`` evaluates. Frames are read once, in
order, with about T frames (plus a detector batch) in memory; see
``tdmi_mmpose.apis.video``.
"""
import argparse
import json
import os
import os.path as osp
import sys
import time

import cv2


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('config', help='TDMI config')
    parser.add_argument('checkpoint', nargs='?', help='TDMI checkpoint')
    parser.add_argument('--checkpoint', dest='checkpoint_opt')
    parser.add_argument(
        '--input',
        required=True,
        help='a video file, a folder of frames or a PoseTrack sequence file')
    parser.add_argument(
        '--data-root',
        help='PoseTrack data root of a sequence file (default: the folder '
        'that holds its annotations/)')
    boxes = parser.add_mutually_exclusive_group(required=True)
    boxes.add_argument('--bboxes', help='a detection file')
    boxes.add_argument(
        '--gt-bboxes',
        action='store_true',
        help='the sequence file\'s ground-truth boxes')
    boxes.add_argument('--det-config', help='MMDetection config')
    parser.add_argument('--det-checkpoint', help='MMDetection checkpoint')
    parser.add_argument('--det-cat-id', type=int, default=0)
    parser.add_argument('--det-batch', type=int, default=8)
    parser.add_argument(
        '--bbox-thr',
        type=float,
        default=None,
        help='box score threshold (default: the config\'s test dataset '
        'bbox_score_thr, else 0.3 for a detector)')
    parser.add_argument('--tracking', choices=['iou', 'oks'], default='iou')
    parser.add_argument('--track-thr', type=float, default=0.3)
    parser.add_argument('--kpt-thr', type=float, default=0.3)
    parser.add_argument('--output-root', required=True)
    parser.add_argument('--save-predictions', action='store_true')
    parser.add_argument('--no-video', action='store_true')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--fps', type=float, default=None)
    args = parser.parse_args(argv)
    args.checkpoint = args.checkpoint or args.checkpoint_opt
    if args.gt_bboxes and not args.input.endswith('.json'):
        parser.error('--gt-bboxes needs a PoseTrack sequence file as --input')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    import numpy as np
    from mmengine.utils import ProgressBar
    from mmpose.apis import init_model
    from mmpose.registry import VISUALIZERS

    import tdmi_mmpose  # noqa: F401
    from tdmi_mmpose.apis.video import (MMDetBoxes, VideoPoseTracker,
                                        default_name, draw_people,
                                        ground_truth_boxes, load_box_file,
                                        open_frames, posetrack_annotations,
                                        posetrack_file)
    if not args.checkpoint:
        print(
            'WARNING: no checkpoint given: the TDMI model has RANDOM '
            'weights, its keypoints mean nothing',
            file=sys.stderr)
    model = init_model(args.config, args.checkpoint, device=args.device)
    if not hasattr(model, 'num_frames'):
        print(f'error: {args.config} is not a video model', file=sys.stderr)
        return 1
    test_thr = model.cfg.test_dataloader.dataset.get('bbox_score_thr', 0.2)
    if args.det_config:
        thr = 0.3 if args.bbox_thr is None else args.bbox_thr
        source = MMDetBoxes(args.det_config, args.det_checkpoint, args.device,
                            args.det_cat_id, thr)
    elif args.gt_bboxes:
        thr = 0.0 if args.bbox_thr is None else args.bbox_thr
        source = ground_truth_boxes(args.input)
    else:
        thr = test_thr if args.bbox_thr is None else args.bbox_thr
        source = load_box_file(args.bboxes)
    name, frames = open_frames(args.input, args.data_root)
    tracker = VideoPoseTracker(
        model,
        source,
        bbox_thr=thr,
        track_method=args.tracking,
        track_thr=args.track_thr,
        det_batch=args.det_batch)
    os.makedirs(args.output_root, exist_ok=True)
    stem = default_name(name)
    visualizer = None
    if not args.no_video:
        visualizer = VISUALIZERS.build(
            dict(type='PoseLocalVisualizer', name='tdmi_video_demo'))
        visualizer.set_dataset_meta(model.dataset_meta)
    writer, images, annotations = None, [], []
    names = [
        model.dataset_meta['keypoint_id2name'][i]
        for i in range(len(model.dataset_meta['keypoint_id2name']))
    ]
    total = _frame_count(args.input)
    bar = ProgressBar(total) if total else None
    start, count, people_total = time.perf_counter(), 0, 0
    for frame, people in tracker.run(frames):
        images.append(dict(id=frame.image_id, file_name=frame.file_name))
        annotations += posetrack_annotations(frame, people)
        people_total += len(people)
        if visualizer is not None:
            drawn = draw_people(visualizer, frame.image, people, args.kpt_thr)
            if writer is None:
                fps = args.fps or _source_fps(args.input) or 10.0
                path = osp.join(args.output_root, f'{stem}.mp4')
                writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'),
                                         fps, drawn.shape[1::-1])
            writer.write(np.ascontiguousarray(drawn))
        count += 1
        if bar is not None:
            bar.update()
    if writer is not None:
        writer.release()
    seconds = time.perf_counter() - start
    print(f'\n{name}: {count} frames, {people_total} people in '
          f'{seconds:.1f} s ({count / max(seconds, 1e-9):.2f} frames/s, '
          f'decoding and detection included)')
    if args.bboxes and tracker.frames_with_boxes == 0:
        print(
            f'error: no box of {args.bboxes} names a frame of {args.input} '
            f'(a box file for another video?)',
            file=sys.stderr)
        return 1
    if people_total == 0:
        print(
            f'WARNING: no person in any frame of {name} (no box above '
            f'{thr})',
            file=sys.stderr)
    if args.save_predictions:
        path = osp.join(args.output_root, f'{stem}.json')
        with open(path, 'w') as f:
            json.dump(posetrack_file(images, annotations, names), f)
        print(f'predictions: {path}')
    if not args.no_video:
        print(f'video: {osp.join(args.output_root, stem + ".mp4")}')
    return 0


def _frame_count(source: str):
    if osp.isdir(source):
        return None
    if source.endswith('.json'):
        with open(source) as f:
            return len(json.load(f).get('images') or []) or None
    capture = cv2.VideoCapture(source)
    count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    capture.release()
    return count if count > 0 else None


def _source_fps(source: str):
    if osp.isdir(source) or source.endswith('.json'):
        return None
    capture = cv2.VideoCapture(source)
    fps = capture.get(cv2.CAP_PROP_FPS)
    capture.release()
    return fps if fps and fps > 0 else None


if __name__ == '__main__':
    try:
        sys.exit(main())
    except (ValueError, FileNotFoundError) as e:
        print(f'error: {e}', file=sys.stderr)
        sys.exit(1)
