# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Video inference: run a model on a clip or a whole video."""
__all__: list = []
