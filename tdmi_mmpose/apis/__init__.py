# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Video inference: run a model on a clip."""
from .inference import inference_clip

__all__ = ['inference_clip']
