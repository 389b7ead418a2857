# How much do the mutual-information objectives contribute at all?
# (paper ablation: without MI losses)
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

model = dict(head=dict(mi_loss=None))
