# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Mutual-information estimators and the TDMI loss terms (TDMI sec. 2)."""
from .mi_estimators import (CLUBMI, SOFTMAX_TEMPERATURE, KLSoftmaxMI,
                            SpatialKLMI)
from .tdmi_mi_loss import MI_TERMS, TDMIMutualInformationLoss

__all__ = [
    'CLUBMI', 'KLSoftmaxMI', 'SpatialKLMI', 'SOFTMAX_TEMPERATURE', 'MI_TERMS',
    'TDMIMutualInformationLoss'
]
