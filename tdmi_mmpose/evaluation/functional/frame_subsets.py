# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Evaluate on a chosen set of frames (occluded, blurred, crowded ...).

A ``FrameSubset`` selects ground-truth frames, either by name:

- ``frames``: image ids (int, PoseTrack18 ``images[].id``) or image file
  names (str, matched by their last two path components
  ``<sequence>/<frame file>``, whatever the root they are written under);

or by what the ground-truth file says about the image:

- ``where``: ``{field: value}``; an image is selected when its entry (the
  PoseTrack18 ``images`` item, the PoseTrack17 ``annolist`` item) has every
  field at the given value (a list: any of the values). ``None`` selects
  images where the field is missing or null. E.g. the synthetic set's
  ``dict(degraded='blur')``, ``dict(degraded=None)`` (clean frames).

Both may be given (an image must pass both). Evaluation on a subset is
exactly the official tool's evaluation of files that hold only the selected
frames: the other frames are removed from both sides after frames are paired
(so pairing is unchanged), every pooled score and every ground-truth joint
of a removed frame leaves AP, and MOTA is computed over the selected frames
of each sequence in their order.

Every named frame must exist in the ground truth and every ``where`` field
in some image entry: a typo never evaluates silently on nothing. A subset
that selects no labelled frame is refused by ``check`` (the evaluation
tool); ``PoseTrackMetric`` reports NaN for it with a warning instead, since
a small validation set may hold no frame of a kind.
"""
import json
import numbers
from typing import Dict, Iterable, Optional, Sequence, Union

from ...posetrack_format import frame_key
from .posetrack_io import FrameData, SequenceData

__all__ = ['FrameSubset']

_MISSING = object()


class FrameSubset:
    """A set of ground-truth frames to evaluate on.

    Args:
        frames (Iterable[int | str], optional): image ids and/or file names.
        where (dict, optional): ``{field: value or list of values}`` on the
            ground-truth image entries; ``None`` matches a missing field.
        name (str): what messages call it. Defaults to ``'subset'``.
    """

    def __init__(self,
                 frames: Optional[Iterable[Union[int, str]]] = None,
                 where: Optional[Dict[str, object]] = None,
                 name: str = 'subset'):
        if frames is None and where is None:
            raise ValueError(f'frame subset {name!r}: give frames (image ids '
                             'or file names) and/or where (field values)')
        self.name = name
        self.ids, self.names = set(), set()
        for item in frames or ():
            if isinstance(item,
                          bool) or not isinstance(item,
                                                  (numbers.Integral, str)):
                raise ValueError(
                    f'frame subset {name!r}: frames must be image ids (int) '
                    f'or image file names (str), got {item!r}')
            if isinstance(item, str):
                self.names.add(frame_key(item))
            else:
                self.ids.add(int(item))
        self.by_name = frames is not None
        if where is not None and (not isinstance(where, dict) or not where):
            raise ValueError(f'frame subset {name!r}: where must be a '
                             f'non-empty dict of field values, got {where!r}')
        self.where = {
            k: (list(v) if isinstance(v, (list, tuple)) else [v])
            for k, v in (where or {}).items()
        }

    @classmethod
    def build(cls, spec, name: str = 'subset') -> 'FrameSubset':
        """From a FrameSubset, a list (``frames``), a dict with ``frames``
        and/or ``where``, or the path of a JSON file holding either."""
        if isinstance(spec, FrameSubset):
            return spec
        if isinstance(spec, str):
            try:
                with open(spec) as f:
                    spec = json.load(f)
            except OSError as e:
                raise ValueError(f'frame subset {name!r}: cannot read '
                                 f'{spec}: {e.strerror}') from None
            except json.JSONDecodeError as e:
                raise ValueError(f'frame subset {name!r}: {spec} is not '
                                 f'valid JSON ({e})') from None
        if isinstance(spec, (list, tuple)):
            return cls(frames=spec, name=name)
        if isinstance(spec,
                      dict) and spec and set(spec) <= {'frames', 'where'}:
            return cls(
                frames=spec.get('frames'), where=spec.get('where'), name=name)
        raise ValueError(
            f'frame subset {name!r}: expected a list of image ids or file '
            f'names, a dict with "frames" and/or "where", or a JSON file '
            f'holding one; got {spec!r}')

    def selects(self, frame: FrameData) -> bool:
        """Whether the ground-truth ``frame`` is in the subset."""
        if self.by_name and frame.image_id not in self.ids and frame_key(
                frame.name) not in self.names:
            return False
        for field_name, values in self.where.items():
            value = frame.attributes.get(field_name, None)
            if value not in values:
                return False
        return True

    def check(self,
              gt_seqs: Sequence[SequenceData],
              allow_empty: bool = False) -> None:
        """Refuse names that are not in the ground truth, ``where`` fields
        that no image has, and (unless ``allow_empty``) a subset without a
        labelled frame."""
        frames = [f for seq in gt_seqs for f in seq.frames]
        unknown_ids = self.ids - {f.image_id for f in frames}
        unknown_names = self.names - {frame_key(f.name) for f in frames}
        unknown = sorted(map(str, unknown_ids)) + sorted(unknown_names)
        if unknown:
            raise ValueError(
                f'frame subset {self.name!r}: {len(unknown)} frames are not '
                f'in the ground truth, e.g. {unknown[:3]} (image ids must be '
                f'PoseTrack18 images[].id, names <sequence>/<frame file>)')
        for field_name, values in self.where.items():
            if values != [None] and not any(field_name in f.attributes
                                            for f in frames):
                raise ValueError(
                    f'frame subset {self.name!r}: no ground-truth image has '
                    f'the field {field_name!r}')
        if not allow_empty and not any(
                f.num_rects and self.selects(f) for f in frames):
            raise ValueError(f'frame subset {self.name!r} selects no '
                             'labelled ground-truth frame')
