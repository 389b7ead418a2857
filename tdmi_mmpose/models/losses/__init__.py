# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Mutual-information estimators and the TDMI loss terms (TDMI sec. 2)."""
__all__: list = []
