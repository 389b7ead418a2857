# How much does the motion group of mutual-information terms contribute?
# (paper ablation: each MI objective)
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

# only the motion group reads the noisy motion: no noisy MLP (DDP)
model = dict(
    disentangler=dict(noisy_branch=False),
    head=dict(mi_loss=dict(group_weights=dict(motion=0.0))))
