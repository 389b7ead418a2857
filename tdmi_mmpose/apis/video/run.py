# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""``iter_video`` / ``run_video``: a video through the box source, the
tracker and the writers, streamed."""
import json
import logging
import os
import os.path as osp
from typing import Iterator, List, Optional, Sequence, Tuple, Union

import cv2
import numpy as np
from mmengine.logging import print_log

from ...datasets.transforms.clip_transforms import read_frame
from ...posetrack_format import frame_key
from .frames import Frame, open_source
from .options import check_fraction, check_number
from .tracking import VideoPoseTracker
from .writing import (check_outputs, draw_people, output_stem,
                      posetrack_annotations, posetrack_file)

__all__ = ['run_video', 'iter_video', 'list_frames']

Source = Union[str, Sequence[Union[str, np.ndarray]]]


def list_frames(items: Sequence[Union[str, np.ndarray]],
                name: str = 'frames') -> Iterator[Frame]:
    """Frames of a list of BGR images or image paths, in order. A path is
    keyed ``'<its folder>/<its file>'``, as PoseTrack box files name frames
    (so a sequence's own box file matches its frames); an image
    ``'<name>/<index:06d>.jpg'``."""
    for index, item in enumerate(items):
        if isinstance(item, str):
            image = read_frame(item)
            file_name = frame_key(item)
        else:
            image = np.asarray(item)
            if image.ndim != 3 or image.dtype != np.uint8:
                raise ValueError(f'frame {index}: expected a BGR uint8 '
                                 f'image (H, W, 3), got {image.dtype} '
                                 f'{image.shape}')
            file_name = f'{name}/{index:06d}.jpg'
        yield Frame(index, file_name, index, image)


def _open(source: Source, data_root: Optional[str]):
    if isinstance(source, str):
        name, frames, count, fps = open_source(source, data_root)
        return name, frames, [source], count, fps
    if not len(source):
        raise ValueError('no frames given')
    paths = [s for s in source if isinstance(s, str)]
    # the frames' folders are inputs too: nothing is written among them
    folders = sorted({osp.dirname(osp.abspath(p)) for p in paths})
    return 'frames', list_frames(source), paths + folders, len(source), None


def _check_box_coverage(tracker, boxes_from: Optional[str], name: str,
                        images: List[dict]) -> None:
    """A table of boxes naming none of the stream's frames is an error
    (a box file of another video, keys of another form); naming only some
    is logged with the count."""
    if callable(tracker.box_source) or not images:
        return
    found, total = tracker.frames_with_boxes, len(images)
    what = boxes_from or 'the box table'
    if found == 0:
        raise ValueError(
            f'no box of {what} names a frame of {name} (a box file for '
            f'another video? keys are image ids or "<video>/<frame file>"; '
            f'this stream\'s first frame is '
            f'{frame_key(images[0]["file_name"])!r}, id '
            f'{images[0]["id"]!r})')
    if found < total:
        print_log(
            f'{what}: boxes for {found} of {total} frames of {name}; the '
            'others have no person',
            logger='current',
            level=logging.WARNING)


def run_video(model, source: Source, box_source, output_root: str,
              **kwargs) -> dict:
    """``iter_video`` to the end; its summary (see there)."""
    summary: dict = {}
    for _ in iter_video(
            model, source, box_source, output_root, summary=summary, **kwargs):
        pass
    return summary


def iter_video(model,
               source: Source,
               box_source,
               output_root: Optional[str],
               bbox_thr: float = 0.2,
               save_predictions: bool = True,
               render: bool = True,
               kpt_thr: float = 0.3,
               data_root: Optional[str] = None,
               progress: bool = True,
               fps: Optional[float] = None,
               inputs: Tuple[str, ...] = (),
               draw: bool = False,
               summary: Optional[dict] = None,
               pred_root: Optional[str] = None,
               boxes_from: Optional[str] = None,
               **tracker_args) -> Iterator[Tuple[Frame, List, object]]:
    """Estimate and track the people of ``source`` (a video file, a frame
    folder, a PoseTrack sequence file, or a list of images or image paths)
    frame by frame, yielding ``(frame, people, drawn)`` (``drawn``: the
    frame with its people, where ``render`` or ``draw``, else None), and
    write ``<output_root>/<name>.mp4`` (``render``) and ``<name>.json``
    (``save_predictions``, PoseTrack18 with track ids; in ``pred_root``
    when given, as MMPose's inferencer keeps ``vis_out_dir`` and
    ``pred_out_dir`` apart). Nothing is written
    over ``source`` or the other files or folders named in ``inputs`` (a
    box file), nor inside an input folder (``check_outputs``).

    With a table of boxes (not a detector), ``boxes_from`` names it: a
    table that names no frame of the stream is an error once the stream
    ends (its outputs are written, with no person), one that names only
    some frames is logged with the count.

    ``summary`` (a dict) receives at the end: ``name``, ``frames``,
    ``people``, ``seconds``, ``frames_with_boxes`` (box files),
    ``skipped_empty``, ``video`` and ``json`` paths (None where not
    written).
    """
    import time

    from mmengine.registry import DefaultScope
    from mmengine.utils import ProgressBar
    from mmpose.registry import VISUALIZERS
    kpt_thr = check_fraction('kpt_thr', kpt_thr)
    if fps is not None:
        check_number('fps', fps, 0, low_included=False)
    name, frames, sources, total, source_rate = _open(source, data_root)
    tracker = VideoPoseTracker(
        model, box_source, bbox_thr=bbox_thr, **tracker_args)
    stem = output_stem(name)
    pred_root = pred_root or output_root
    if (render and output_root is None) or (save_predictions
                                            and pred_root is None):
        raise ValueError('render and save_predictions need an output root')
    folders = {}  # folder -> the files written there
    if render:
        folders.setdefault(output_root, []).append(f'{stem}.mp4')
    if save_predictions:
        folders.setdefault(pred_root, []).append(f'{stem}.json')
    for folder, files in folders.items():
        check_outputs([osp.join(folder, f)
                       for f in files] + [osp.join(folder, '')],
                      sources + list(inputs))
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as e:
            raise ValueError(f'output folder {folder} cannot be created '
                             f'({e.strerror})') from None
        if not os.access(folder, os.W_OK):
            raise ValueError(f'output folder {folder} cannot be written')
    visualizer = writer = None
    if render or draw:
        # in mmpose's scope whatever another library (a detector) set
        with DefaultScope.overwrite_default_scope('mmpose'):
            visualizer = VISUALIZERS.build(
                dict(type='PoseLocalVisualizer', name=f'tdmi_video_{stem}'))
        visualizer.set_dataset_meta(model.dataset_meta)
    id2name = model.dataset_meta['keypoint_id2name']
    names = [id2name[i] for i in range(len(id2name))]
    bar = ProgressBar(total) if progress and total else None
    images, annotations = [], []
    start, count, people_total = time.perf_counter(), 0, 0
    video_path = osp.join(output_root, f'{stem}.mp4') if render else None
    try:
        for frame, people in tracker.run(frames):
            images.append(dict(id=frame.image_id, file_name=frame.file_name))
            annotations += posetrack_annotations(frame, people)
            people_total += len(people)
            drawn = None
            if visualizer is not None:
                drawn = draw_people(visualizer, frame.image, people, kpt_thr)
            if render:
                if writer is None:
                    writer = cv2.VideoWriter(video_path,
                                             cv2.VideoWriter_fourcc(*'mp4v'),
                                             fps or source_rate or 10.0,
                                             drawn.shape[1::-1])
                writer.write(np.ascontiguousarray(drawn))
            count += 1
            if bar is not None:
                bar.update()
            yield frame, people, drawn
    finally:
        if writer is not None:
            writer.release()
    if bar is not None:
        print()
    json_path = None
    if save_predictions:
        json_path = osp.join(pred_root, f'{stem}.json')
        with open(json_path, 'w') as f:
            json.dump(posetrack_file(images, annotations, names), f)
    _check_box_coverage(tracker, boxes_from, name, images)
    if summary is not None:
        summary.update(
            name=name,
            frames=count,
            people=people_total,
            seconds=time.perf_counter() - start,
            frames_with_boxes=tracker.frames_with_boxes,
            skipped_empty=tracker.skipped_empty,
            video=video_path,
            json=json_path)
