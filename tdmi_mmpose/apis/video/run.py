# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""``run_video``: a video through the box source, the tracker and the
writers, streamed."""
import json
import os
import os.path as osp
from typing import Optional, Tuple

import cv2
import numpy as np

from .frames import frame_count, open_frames, source_fps
from .tracking import VideoPoseTracker
from .writing import (check_outputs, draw_people, output_stem,
                      posetrack_annotations, posetrack_file)

__all__ = ['run_video']


def run_video(model,
              source: str,
              box_source,
              output_root: str,
              bbox_thr: float = 0.2,
              save_predictions: bool = True,
              render: bool = True,
              kpt_thr: float = 0.3,
              data_root: Optional[str] = None,
              progress: bool = True,
              fps: Optional[float] = None,
              inputs: Tuple[str, ...] = (),
              **tracker_args) -> dict:
    """Estimate and track the people of ``source`` and write
    ``<output_root>/<name>.mp4`` (``render``) and ``<name>.json``
    (``save_predictions``, PoseTrack18 with track ids). Nothing is written
    over ``source`` or the other files or folders named in ``inputs`` (a
    box file), nor inside an input folder (``check_outputs``).

    Returns:
        dict: ``name``, ``frames``, ``people``, ``seconds``,
        ``frames_with_boxes`` (box files), ``video`` and ``json`` paths
        (None where not written).
    """
    import time

    from mmengine.registry import DefaultScope
    from mmengine.utils import ProgressBar
    from mmpose.registry import VISUALIZERS
    name, frames = open_frames(source, data_root)
    tracker = VideoPoseTracker(
        model, box_source, bbox_thr=bbox_thr, **tracker_args)
    stem = output_stem(name)
    written = [
        osp.join(output_root, f'{stem}.{ext}')
        for ext, on in (('mp4', render), ('json', save_predictions)) if on
    ]
    check_outputs(written + [osp.join(output_root, '')],
                  [source] + list(inputs))
    try:
        os.makedirs(output_root, exist_ok=True)
    except OSError as e:
        raise ValueError(f'output root {output_root} cannot be created '
                         f'({e.strerror})') from None
    if not os.access(output_root, os.W_OK):
        raise ValueError(f'output root {output_root} cannot be written')
    visualizer = writer = None
    if render:
        # in mmpose's scope whatever another library (a detector) set
        with DefaultScope.overwrite_default_scope('mmpose'):
            visualizer = VISUALIZERS.build(
                dict(type='PoseLocalVisualizer', name=f'tdmi_video_{stem}'))
        visualizer.set_dataset_meta(model.dataset_meta)
    id2name = model.dataset_meta['keypoint_id2name']
    names = [id2name[i] for i in range(len(id2name))]
    total = frame_count(source)
    bar = ProgressBar(total) if progress and total else None
    images, annotations = [], []
    start, count, people_total = time.perf_counter(), 0, 0
    video_path = osp.join(output_root, f'{stem}.mp4') if render else None
    try:
        for frame, people in tracker.run(frames):
            images.append(dict(id=frame.image_id, file_name=frame.file_name))
            annotations += posetrack_annotations(frame, people)
            people_total += len(people)
            if visualizer is not None:
                drawn = draw_people(visualizer, frame.image, people, kpt_thr)
                if writer is None:
                    writer = cv2.VideoWriter(video_path,
                                             cv2.VideoWriter_fourcc(*'mp4v'),
                                             fps or source_fps(source) or 10.0,
                                             drawn.shape[1::-1])
                writer.write(np.ascontiguousarray(drawn))
            count += 1
            if bar is not None:
                bar.update()
    finally:
        if writer is not None:
            writer.release()
    if bar is not None:
        print()
    json_path = None
    if save_predictions:
        json_path = osp.join(output_root, f'{stem}.json')
        with open(json_path, 'w') as f:
            json.dump(posetrack_file(images, annotations, names), f)
    return dict(
        name=name,
        frames=count,
        people=people_total,
        seconds=time.perf_counter() - start,
        frames_with_boxes=tracker.frames_with_boxes,
        skipped_empty=tracker.skipped_empty,
        video=video_path,
        json=json_path)
