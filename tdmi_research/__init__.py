# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Research code of the checkout, not installed (``pip install .`` ships
``tdmi_mmpose`` only): the synthetic PoseTrack- and HiEve-format generators
of the demo, the tests and the benchmarks, the configs of the synthetic
runs, the MI-term diagnostics and the fast mode's feature error. The tools
and the tests import it from the checkout's root; ``tdmi_mmpose`` never
imports it."""
from .feature_reuse import support_feature_error
from .mi_diagnostics import (format_diagnostics, mi_term_diagnostics,
                             softmax_entropy)
from .synthetic import (NUISANCE, ensure_synthetic_set,
                        generate_synthetic_posetrack)
from .synthetic_hieve import generate_synthetic_hieve
from .synthetic_runs import (PLATEAU, evaluate_runner, resize_config,
                             synthetic_config, train_to_plateau, with_ablation)

__all__ = [
    'evaluate_runner', 'synthetic_config', 'with_ablation', 'resize_config',
    'train_to_plateau', 'PLATEAU', 'mi_term_diagnostics', 'softmax_entropy',
    'format_diagnostics', 'support_feature_error', 'NUISANCE',
    'ensure_synthetic_set', 'generate_synthetic_posetrack',
    'generate_synthetic_hieve'
]
