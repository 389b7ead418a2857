# Not in the paper: does the frozen backbone under bfloat16 autocast (the
# neck and head in float32) change the accuracy? It makes the training step
# cheaper where half-precision convolutions are fast (a CPU with AVX-512
# BF16 or AMX, a recent GPU): docs/speed.md.
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

model = dict(backbone_autocast='bfloat16')
