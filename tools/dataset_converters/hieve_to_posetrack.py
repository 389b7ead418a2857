# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Convert HiEve's pose tracks and videos into the files this package's
HiEve recipes read.

    python tools/dataset_converters/hieve_to_posetrack.py HIEVE_ROOT OUT_DIR \
        [--val-videos 3] [--frame-base 0]

HIEVE_ROOT holds ``videos/{train,test}/<video>.mp4`` and
``annotations/train/<video>.json`` (HiEve's pose-track files; see
``tdmi_mmpose.datasets.hieve``). OUT_DIR receives:

    images/{train,val,test}/<video>/<6-digit 0-based frame>.jpg
    annotations/{train,val}/<video>.json      per video (HiEveVideoDataset)
    annotations/hieve_{train,val}.json        merged (HiEveDataset, stage 1)
    annotations/test/<video>.json             the test frames, no people

The last ``--val-videos`` training videos (by name) become a local
validation split (HiEve's test annotations are not public). An annotated
frame's number is the last number in its ``image[0].name`` minus
``--frame-base`` (the number HiEve gives a video's first frame), else its
position in the file; frames are decoded from the mp4 with OpenCV.
"""
import argparse
import json
import os
import os.path as osp
import re
import sys


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('root', help='HiEve folder (videos/, annotations/)')
    parser.add_argument('out', help='output folder')
    parser.add_argument(
        '--val-videos',
        type=int,
        default=3,
        help='training videos held out as the local validation split '
        '(default: 3)')
    parser.add_argument(
        '--frame-base',
        type=int,
        default=0,
        help='the frame number HiEve\'s image names give a video\'s first '
        'frame (default: 0)')
    return parser.parse_args(argv)


def _extract(video: str, folder: str):
    """Decode every frame of ``video`` into ``folder``; the frame count and
    the frame size (w, h)."""
    import cv2
    capture = cv2.VideoCapture(video)
    if not capture.isOpened():
        raise ValueError(f'{video}: OpenCV cannot read it')
    os.makedirs(folder, exist_ok=True)
    count, size = 0, None
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        size = (frame.shape[1], frame.shape[0])
        cv2.imwrite(osp.join(folder, f'{count:06d}.jpg'), frame)
        count += 1
    capture.release()
    if not count:
        raise ValueError(f'{video}: no frame could be decoded')
    return count, size


def _frame_numbers(frames, base: int, num_frames: int, path: str):
    numbers = []
    for t, frame in enumerate(frames):
        digits = re.findall(r'\d+', osp.basename(frame['name']))
        n = int(digits[-1]) - base if digits else t
        if not 0 <= n < num_frames:
            raise ValueError(
                f'{path}: image {frame["name"]!r} is frame {n} (with '
                f'--frame-base {base}), outside the video\'s {num_frames} '
                'decoded frames')
        numbers.append(n)
    return numbers


def convert(root: str, out: str, val_videos: int = 3, frame_base: int = 0):
    from tdmi_mmpose.posetrack_format import (check_outputs, hieve_to_coco,
                                              load_hieve_file)
    if isinstance(val_videos,
                  bool) or not isinstance(val_videos, int) or val_videos < 1:
        raise ValueError(f'--val-videos must be an integer >= 1 (the local '
                         f'validation split), got {val_videos!r}')
    # nothing is written over HiEve's files or inside its folder
    check_outputs([out], [root], 'output folder')
    ann_dir = osp.join(root, 'annotations', 'train')
    if not osp.isdir(ann_dir):
        raise ValueError(f'{ann_dir}: no such folder (HiEve\'s training '
                         'pose-track files)')
    videos = sorted(
        osp.splitext(n)[0] for n in os.listdir(ann_dir) if n.endswith('.json'))
    if len(videos) <= val_videos:
        raise ValueError(f'{ann_dir}: {len(videos)} training videos, not '
                         f'enough to hold out --val-videos {val_videos}')
    split_of = {v: 'train' for v in videos[:len(videos) - val_videos]}
    split_of.update({v: 'val' for v in videos[len(videos) - val_videos:]})
    merged = {s: None for s in ('train', 'val')}
    first_id = 0
    for video in videos:
        split = split_of[video]
        mp4 = osp.join(root, 'videos', 'train', f'{video}.mp4')
        if not osp.isfile(mp4):
            raise ValueError(f'{mp4}: missing (the video of {video}.json)')
        path = osp.join(ann_dir, f'{video}.json')
        frames = load_hieve_file(path)
        num, size = _extract(mp4, osp.join(out, 'images', split, video))
        coco = hieve_to_coco(frames, video, split,
                             _frame_numbers(frames, frame_base, num, path),
                             num, first_id, size)
        first_id += 100000
        os.makedirs(osp.join(out, 'annotations', split), exist_ok=True)
        with open(osp.join(out, 'annotations', split, f'{video}.json'),
                  'w') as f:
            json.dump(coco, f)
        if merged[split] is None:
            merged[split] = coco
        else:
            merged[split]['images'] += coco['images']
            merged[split]['annotations'] += coco['annotations']
    for split, coco in merged.items():
        with open(osp.join(out, 'annotations', f'hieve_{split}.json'),
                  'w') as f:
            json.dump(coco, f)
    test_dir = osp.join(root, 'videos', 'test')
    os.makedirs(osp.join(out, 'annotations', 'test'), exist_ok=True)
    for name in sorted(os.listdir(test_dir)) if osp.isdir(test_dir) else []:
        if not name.endswith('.mp4'):
            continue
        video = osp.splitext(name)[0]
        num, size = _extract(
            osp.join(test_dir, name), osp.join(out, 'images', 'test', video))
        coco = hieve_to_coco([dict(people=[])] * num, video, 'test',
                             range(num), num, first_id, size)
        first_id += 100000
        with open(osp.join(out, 'annotations', 'test', f'{video}.json'),
                  'w') as f:
            json.dump(coco, f)
    return split_of


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        split_of = convert(args.root, args.out, args.val_videos,
                           args.frame_base)
    except (ValueError, OSError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    for split in ('train', 'val'):
        names = [v for v, s in split_of.items() if s == split]
        print(f'{split}: {len(names)} videos')
    print(f'written to {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
