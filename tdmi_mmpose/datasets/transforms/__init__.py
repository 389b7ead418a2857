# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Multi-frame loading and the transforms the clip pipeline needs."""
__all__: list = []
