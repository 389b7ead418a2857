# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Video inference: run a model on a clip; helpers of the synthetic runs."""
from .inference import clip_test_pipeline, inference_clip
from .mi_diagnostics import mi_term_diagnostics, softmax_entropy
from .synthetic_runs import (evaluate_runner, resize_config, synthetic_config,
                             with_ablation)

__all__ = [
    'inference_clip', 'clip_test_pipeline', 'evaluate_runner',
    'synthetic_config', 'with_ablation', 'resize_config',
    'mi_term_diagnostics', 'softmax_entropy'
]
