# The frozen backbone's BatchNorm in eval mode (MMPose's norm_eval=True: the
# stage-1 running statistics, never updated) instead of the authors' batch
# statistics while training.
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

model = dict(backbone=dict(norm_eval=True))
