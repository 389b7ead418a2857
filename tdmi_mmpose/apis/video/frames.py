# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Frame sources of the video tool: a video file, a folder of frames or a
PoseTrack sequence file, read once and in order."""
import os
import os.path as osp
import re
import warnings
from dataclasses import dataclass, field
from typing import Iterator, List, Optional, Tuple

import mmcv
import numpy as np

from ...datasets.transforms.clip_transforms import read_frame
from ...posetrack_format import load_json

__all__ = ['Frame', 'open_frames', 'open_source']

_IMAGE_EXTS = ('.jpg', '.jpeg', '.png', '.bmp')


@dataclass
class Frame:
    """One frame of the stream: its index, the ``file_name`` and image id
    written to the PoseTrack output, and the BGR image."""
    index: int
    file_name: str
    image_id: object
    image: np.ndarray = field(repr=False)


def _posetrack_root(sequence_file: str) -> str:
    """The data root of a PoseTrack sequence file: the folder that holds
    its ``annotations/`` (``<root>/annotations/val/<seq>.json``)."""
    parts = osp.abspath(sequence_file).split(os.sep)
    if 'annotations' in parts:
        idx = len(parts) - 1 - parts[::-1].index('annotations')
        return os.sep.join(parts[:idx]) or os.sep
    raise ValueError(
        f'{sequence_file}: cannot find the data root (no "annotations" '
        f'folder above the file); give it with --data-root')


def _video_frames(reader, path: str, name: str) -> Iterator[Frame]:
    """The frames of an opened ``mmcv.VideoReader``, in order; a file that
    reads fewer frames than its header declares is warned about."""
    # the container's frame count: a truncated file reads fewer
    declared = reader.frame_cnt
    index = 0
    try:
        while True:
            image = reader.read()
            if image is None:
                break
            yield Frame(index, f'{name}/{index:06d}.jpg', index, image)
            index += 1
    finally:
        reader.vcap.release()
    if index == 0:
        raise ValueError(f'{path}: the video has no readable frame')
    if 0 < index < declared:
        warnings.warn(
            f'{path}: read {index} frames, its header declares {declared}: '
            f'the file is truncated or damaged; the last '
            f'{declared - index} frames are missing from the output')


def _folder_files(path: str) -> List[str]:
    """The image files of a frame folder, in frame order, checked."""
    files = sorted(
        f for f in os.listdir(path) if f.lower().endswith(_IMAGE_EXTS))
    if not files:
        raise ValueError(f'{path}: no image files ({", ".join(_IMAGE_EXTS)})')
    _check_name_order(path, files)
    return files


def _folder_frames(path: str, files: List[str], name: str) -> Iterator[Frame]:
    for index, file in enumerate(files):
        yield Frame(index, f'{name}/{file}', index,
                    read_frame(osp.join(path, file)))


def _check_name_order(path: str, files: List[str]) -> None:
    """Frames are taken in name order; names whose numbers sort otherwise
    (``1.jpg, 10.jpg, 2.jpg``) would scramble the video."""

    def number(name: str):
        """(the name without its digits, its last number) or None."""
        stem = osp.splitext(name)[0]
        found = re.findall(r'\d+', stem)
        return (re.sub(r'\d+', '#', stem), int(found[-1])) if found else None

    keys = [number(f) for f in files]
    for a, b, x, y in zip(files, files[1:], keys, keys[1:]):
        # names of one pattern (img#.jpg) whose numbers go backwards
        if x and y and x[0] == y[0] and y[1] < x[1]:
            raise ValueError(
                f'{path}: frame files sort differently as text and as '
                f'numbers ({a} before {b}); name them with leading zeros '
                f'(000001.jpg) so that their order is the video\'s')


def _sequence_images(path: str) -> list:
    """The ``images`` of a PoseTrack18 sequence file, checked."""
    data = load_json(path, 'sequence file')
    images = data.get('images') if isinstance(data, dict) else None
    if not images:
        raise ValueError(f'{path}: expected a PoseTrack18 sequence file with '
                         f'a non-empty "images" list')
    for index, image in enumerate(images):
        if not isinstance(image, dict) or 'file_name' not in image or \
                'id' not in image:
            raise ValueError(f'{path}: images[{index}] needs "id" and '
                             f'"file_name"')
    videos = sorted({osp.dirname(image['file_name']) for image in images})
    if len(videos) > 1:
        raise ValueError(
            f'{path}: its images come from {len(videos)} videos ('
            f'{", ".join(videos[:3])}{", ..." if len(videos) > 3 else ""}): '
            f'a merged split file, not one sequence; give one sequence file '
            f'(annotations/val/<video>.json), or evaluate the split with '
            f'tools/test.py')
    return images


def _sequence_frames(path: str, images: list,
                     data_root: Optional[str]) -> Iterator[Frame]:
    root = data_root or _posetrack_root(path)
    for index, image in enumerate(images):
        yield Frame(index, image['file_name'], image['id'],
                    read_frame(osp.join(root, image['file_name'])))


def open_frames(source: str,
                data_root: Optional[str] = None) -> Tuple[str, Iterator]:
    """(name, frames) of a video file, a folder of frames or a PoseTrack
    sequence file (``.json``). Frames are read lazily, in order; a frame of
    another size than the first is an error naming it."""
    name, frames, _, _ = open_source(source, data_root)
    return name, frames


def open_source(source: str, data_root: Optional[str] = None) -> tuple:
    """``open_frames``'s (name, frames) and what the source says of itself:
    its frame count and frame rate (None where unknown). A video is opened
    once (``mmcv.VideoReader``)."""
    if not osp.exists(source):
        raise FileNotFoundError(f'input {source} does not exist')
    name = osp.splitext(osp.basename(osp.normpath(source)))[0]
    count = fps = None
    if osp.isdir(source):
        files = _folder_files(source)
        frames = _folder_frames(source, files, name)
        count = len(files)
    elif source.lower().endswith('.json'):
        images = _sequence_images(source)
        frames = _sequence_frames(source, images, data_root)
        count = len(images)
    else:
        reader = mmcv.VideoReader(source)
        if not reader.opened:
            raise ValueError(f'{source}: OpenCV cannot open this video')
        count = reader.frame_cnt if reader.frame_cnt > 0 else None
        fps = reader.fps if reader.fps and reader.fps > 0 else None
        frames = _video_frames(reader, source, name)
    return name, _same_size(frames, source), count, fps


def _same_size(frames: Iterator[Frame], source: str) -> Iterator[Frame]:
    shape = None
    for frame in frames:
        if shape is None:
            shape = frame.image.shape
        elif frame.image.shape != shape:
            raise ValueError(
                f'{source}: frame {frame.index} ({frame.file_name}) is '
                f'{frame.image.shape[1]}x{frame.image.shape[0]}, the first '
                f'frame {shape[1]}x{shape[0]}; a clip needs one size')
        yield frame
