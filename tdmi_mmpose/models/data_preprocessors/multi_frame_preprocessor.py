# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""MultiFramePoseDataPreprocessor: batches clips for video pose models.

MMEngine's ``ImgDataPreprocessor`` asserts that each sample is (3, H, W); a
clip is (T, 3, H, W) (as MMPose's ``PackPoseInputs`` stacks a list of
frames). This preprocessor moves the clips to the model's device, stacks
them to (B, T, 3, H, W), optionally swaps BGR to RGB, and normalises.

Frame layout (the one used everywhere in tdmi_mmpose): dim 1 is time, in
temporal order; dim 2 is colour.

Shape legend: B clips, T frames, H x W input size.
"""
from typing import Optional, Sequence

import torch
from mmengine.model import BaseDataPreprocessor
from mmpose.registry import MODELS

__all__ = ['MultiFramePoseDataPreprocessor']


@MODELS.register_module()
class MultiFramePoseDataPreprocessor(BaseDataPreprocessor):
    """Stack, colour-convert and normalise clips.

    Args:
        mean (Sequence[float]): per-channel mean (in the output channel
            order). Defaults to ImageNet's, in RGB, on a 0-255 scale.
        std (Sequence[float]): per-channel std. Defaults to ImageNet's.
        bgr_to_rgb (bool): reverse the channel order first (images loaded
            with OpenCV are BGR). Defaults to True.
        num_frames (int, optional): if given, every clip must have it.
    """

    def __init__(self,
                 mean: Sequence[float] = (123.675, 116.28, 103.53),
                 std: Sequence[float] = (58.395, 57.12, 57.375),
                 bgr_to_rgb: bool = True,
                 num_frames: Optional[int] = None):
        super().__init__()
        if len(mean) != len(std):
            raise ValueError(f'mean and std lengths differ: {len(mean)} vs '
                             f'{len(std)}')
        if min(std) <= 0:
            raise ValueError(f'std must be positive, got {std}')
        self.register_buffer('mean',
                             torch.tensor(mean).view(1, 1, -1, 1, 1), False)
        self.register_buffer('std',
                             torch.tensor(std).view(1, 1, -1, 1, 1), False)
        self.bgr_to_rgb = bgr_to_rgb
        self.num_frames = num_frames

    def forward(self, data: dict, training: bool = False) -> dict:
        """``inputs``: a list of (T, C, H, W) tensors (or a stacked tensor)
        -> (B, T, C, H, W) float, normalised."""
        data = self.cast_data(data)
        inputs = data['inputs']
        if isinstance(inputs, torch.Tensor):
            inputs = list(inputs)
        channels = self.mean.shape[2]
        shape = None
        for i, clip in enumerate(inputs):
            if clip.dim() != 4 or clip.shape[1] != channels:
                raise ValueError(
                    f'sample {i}: expected a clip (T, {channels}, H, W), '
                    f'got {tuple(clip.shape)}')
            if self.num_frames is not None and \
                    clip.shape[0] != self.num_frames:
                raise ValueError(f'sample {i}: expected {self.num_frames} '
                                 f'frames, got {clip.shape[0]}')
            if shape is not None and clip.shape != shape:
                raise ValueError(f'sample {i} has shape {tuple(clip.shape)}'
                                 f', sample 0 {tuple(shape)}: clips of a '
                                 'batch must have one size')
            shape = clip.shape
        batch = self.normalise(torch.stack(inputs))  # (B, T, C, H, W)
        return dict(inputs=batch, data_samples=data.get('data_samples'))

    def normalise(self, frames: torch.Tensor) -> torch.Tensor:
        """(..., C, H, W) frames on the model's device -> float, colour
        converted and normalised (what ``forward`` does to each clip)."""
        batch = frames.float()
        if self.bgr_to_rgb:
            batch = batch.flip(-3)  # the colour dim
        return (batch - self.mean.view(-1, 1, 1)) / self.std.view(-1, 1, 1)
