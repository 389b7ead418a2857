# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The frame convention shared by every multi-frame module: T frames in
temporal order, the key frame at ``key_frame_index`` (default T // 2, the
middle of symmetric offsets such as -2..+2)."""
from typing import Optional

__all__ = ['resolve_key_frame_index']


def resolve_key_frame_index(num_frames: int,
                            key_frame_index: Optional[int] = None,
                            min_frames: int = 1) -> int:
    """Validate ``num_frames`` and return the key frame's index.

    Raises:
        ValueError: if ``num_frames < min_frames`` or the index is outside
            ``[0, num_frames)``.
    """
    if num_frames < min_frames:
        raise ValueError(f'num_frames must be >= {min_frames}, got '
                         f'{num_frames}')
    if key_frame_index is None:
        key_frame_index = num_frames // 2
    if not 0 <= key_frame_index < num_frames:
        raise ValueError(f'key_frame_index must be in [0, {num_frames}), '
                         f'got {key_frame_index}')
    return key_frame_index
