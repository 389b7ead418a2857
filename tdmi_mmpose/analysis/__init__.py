# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Research helpers, not part of the inference API and not imported by
``import tdmi_mmpose``: the MI-term diagnostics, the configs of the
synthetic runs (demo and benchmarks) and the fast mode's feature error."""
from .feature_reuse import support_feature_error
from .mi_diagnostics import (format_diagnostics, mi_term_diagnostics,
                             softmax_entropy)
from .synthetic_runs import (PLATEAU, evaluate_runner, resize_config,
                             synthetic_config, train_to_plateau, with_ablation)

__all__ = [
    'evaluate_runner', 'synthetic_config', 'with_ablation', 'resize_config',
    'train_to_plateau', 'PLATEAU', 'mi_term_diagnostics', 'softmax_entropy',
    'format_diagnostics', 'support_feature_error'
]
