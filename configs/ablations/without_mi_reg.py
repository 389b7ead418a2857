# How much does the reg group of mutual-information terms contribute?
# (paper ablation: each MI objective)
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

model = dict(head=dict(mi_loss=dict(group_weights=dict(reg=0.0))))
