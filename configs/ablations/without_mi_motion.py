# How much does the motion group of mutual-information terms contribute?
# (paper ablation: each MI objective)
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

model = dict(head=dict(mi_loss=dict(group_weights=dict(motion=0.0))))
