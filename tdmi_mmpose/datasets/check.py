# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Check a configured PoseTrack split before a long run: every annotation
file, every detection, every frame a clip will read, all problems listed at
once (the dataset itself stops at the first one).

What is checked, for a ``PoseTrackVideoDataset`` config:

1. each annotation file on its own (format, ids, keypoints, boxes, frame
   numbers), so one broken file does not hide the others;
2. each video's ``nframes`` against its frames on disk;
3. each detection of ``bbox_file`` (numbers, finite, an image it names);
4. each frame that ``SampleClipFrames`` (the pipeline's, or the dataset's
   ``frame_offsets``) will read for a sample: present, not empty,
   decodable, in parallel threads with a progress bar.

For a single-frame COCO-style dataset (a stage-1 config: MMPose's
``PoseTrack18Dataset``, ``HiEveDataset``), the same without clips: its
annotation file read by the reader the video datasets use
(``posetrack_format.read_posetrack_file``, with the dataset's keypoint
names), its detections, and each image it names.
"""
import copy
import json
import os
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import List, Tuple

from mmengine.registry import init_default_scope
from mmengine.utils import ProgressBar
from mmpose.registry import DATASETS

from ..posetrack_format import frame_key, read_posetrack_file
from .posetrack_video_dataset import PoseTrackVideoDataset, check_detection
from .transforms.clip_transforms import SampleClipFrames, read_frame

__all__ = ['check_posetrack_split']


def _frame_problem(path: str):
    """(path, (h, w) or None, problem or None) of one frame file."""
    try:
        return path, read_frame(path).shape[:2], None
    except (OSError, ValueError) as e:
        return path, None, str(e)


def _size_problems(sizes: dict) -> List[str]:
    """Frames of one video folder whose size differs from the folder's
    most common one (a clip is stacked from frames of one size)."""
    by_video: dict = {}
    for path, size in sizes.items():
        by_video.setdefault(os.path.dirname(path), {})[path] = size
    problems = []
    for video, frames in sorted(by_video.items()):
        counts: dict = {}
        for size in frames.values():
            counts[size] = counts.get(size, 0) + 1
        usual = max(counts, key=counts.get)
        for path, size in sorted(frames.items()):
            if size != usual:
                problems.append(
                    f'{path}: {size[1]}x{size[0]}, the other frames of '
                    f'{video} are {usual[1]}x{usual[0]}; a clip needs frames '
                    f'of one size')
    return problems


def _sampler(pipeline) -> SampleClipFrames:
    for step in pipeline or []:
        if step.get('type') == 'SampleClipFrames':
            args = {k: v for k, v in step.items() if k != 'type'}
            args.pop('random_range', None)  # the configured offsets suffice:
            # any drawn frame lies in the video, whose frames are all checked
            return SampleClipFrames(**args)
    return SampleClipFrames()


def _detection_problems(dataset, frames) -> Tuple[List[str], int]:
    """The problems of ``bbox_file`` and how many detections it holds."""
    path = dataset.bbox_file
    try:
        with open(path) as f:
            dets = json.load(f)
    except (OSError, ValueError) as e:
        return [f'{path}: cannot be read as JSON ({e})'], 0
    if not isinstance(dets, list):
        return [f'{path}: expected a list of detections'], 0
    ids = {f['img_id'] for f in frames}
    names = {frame_key(f['file_name']) for f in frames}
    problems = []
    for i, det in enumerate(dets):
        try:
            check_detection(det, i, path)
        except ValueError as e:
            problems.append(str(e))
            continue
        if 'image_id' in det and det['image_id'] not in ids:
            problems.append(f'{path}: detection {i} names image_id '
                            f'{det["image_id"]}, which is in no annotation '
                            f'file')
        elif 'image_name' in det and frame_key(det['image_name']) not in names:
            problems.append(f'{path}: detection {i} names image_name '
                            f'{det["image_name"]}, which is in no annotation '
                            f'file')
        elif 'image_id' not in det and 'image_name' not in det:
            problems.append(f'{path}: detection {i} has neither "image_id" '
                            f'nor "image_name"')
    return problems, len(dets)


def check_posetrack_split(dataset_cfg: dict,
                          workers: int = 8,
                          progress: bool = True) -> Tuple[List[str], dict]:
    """Check one split (see module doc).

    Args:
        dataset_cfg (dict): a dataloader's ``dataset``: a
            ``PoseTrackVideoDataset`` (or subclass) config, or a
            single-frame COCO-style one (stage 1).
        workers (int): threads decoding frames.
        progress (bool): show a progress bar over the frames.

    Returns:
        tuple: the problems (messages naming file and entry) and counts
        (``annotation_files``, ``frames``, ``detections``).
    """
    init_default_scope('mmpose')
    cfg = copy.deepcopy(dict(dataset_cfg))
    pipeline = cfg.pop('pipeline', [])
    cfg.update(lazy_init=True, pipeline=[])
    dataset = DATASETS.build(cfg)  # resolves data_root, loads nothing
    if not isinstance(dataset, PoseTrackVideoDataset):
        return _single_frame_split(dataset, workers, progress)
    problems: List[str] = []
    frames: List[dict] = []
    try:
        files = dataset.annotation_files()
    except (OSError, ValueError) as e:
        return [str(e)], dict(annotation_files=0, frames=0, detections=0)
    for path in files:
        try:
            frames += dataset.read_annotation_file(path)
        except (OSError, ValueError, KeyError, TypeError) as e:
            problems.append(str(e) if path in str(e) else f'{path}: {e}')
    problems += dataset.video_length_problems(frames)
    counts = dict(annotation_files=len(files), detections=0)
    if dataset.bbox_file:
        det_problems, counts['detections'] = _detection_problems(
            dataset, frames)
        problems += det_problems

    sampler = _sampler(pipeline)
    offsets = None if dataset.frame_offsets is None else list(
        dataset.frame_offsets)
    paths = set()
    for frame in frames:
        results = dict(
            img_path=frame['img_path'],
            frame_number=frame['frame_number'],
            frame_digits=frame['frame_digits'],
            first_frame=frame['first_frame'],
            nframes=int(frame['nframes']))
        if offsets is not None:
            results['clip_offsets'] = offsets
        try:
            paths.update(sampler(results)['frame_paths'])
        except ValueError as e:
            problems.append(f'{frame["img_path"]}: {e}')
    counts['frames'] = len(paths)
    frame_problems, sizes = _decode_all(paths, workers, progress)
    problems += sorted(frame_problems) + _size_problems(sizes)
    return sorted(set(problems), key=problems.index), counts


def _decode_all(paths, workers: int, progress: bool):
    """Each frame read in parallel threads: its problems, and the sizes of
    the frames that decode."""
    bar = ProgressBar(len(paths)) if progress and paths else None
    frame_problems, sizes = [], {}
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [pool.submit(_frame_problem, p) for p in sorted(paths)]
        for future in as_completed(futures):
            path, size, problem = future.result()
            if problem:
                frame_problems.append(problem)
            else:
                sizes[path] = size
            if bar is not None:
                bar.update()
    if bar is not None:
        print()
    return frame_problems, sizes


def _single_frame_split(dataset, workers: int,
                        progress: bool) -> Tuple[List[str], dict]:
    """A single-frame COCO-style split (see module doc)."""
    id2name = dataset.metainfo['keypoint_id2name']
    names = [id2name[i] for i in range(len(id2name))]
    counts = dict(annotation_files=1, frames=0, detections=0)
    try:
        file = read_posetrack_file(
            dataset.ann_file, keypoints=names, default_names=names)
    except (OSError, ValueError) as e:
        return [str(e)], counts
    frames = [dict(img_id=f.image_id, file_name=f.name) for f in file.frames]
    problems = []
    if dataset.bbox_file:
        problems, counts['detections'] = _detection_problems(dataset, frames)
    paths = {
        os.path.join(dataset.data_prefix.get('img', ''), f['file_name'])
        for f in frames
    }
    counts['frames'] = len(paths)
    frame_problems, _ = _decode_all(paths, workers, progress)
    problems += sorted(frame_problems)
    return sorted(set(problems), key=problems.index), counts
