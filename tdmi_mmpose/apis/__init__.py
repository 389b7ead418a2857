# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Inference: run a model on a clip. The video tool's parts (frame and box
sources, tracking, writing) and the fast and ONNX backends are imported
from their modules where needed, not here."""
from .inference import clip_test_pipeline, inference_clip

__all__ = ['inference_clip', 'clip_test_pipeline']
