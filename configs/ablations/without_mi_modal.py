# How much does the modal group of mutual-information terms contribute?
# (paper ablation: each MI objective)
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

model = dict(head=dict(mi_loss=dict(group_weights=dict(modal=0.0))))
