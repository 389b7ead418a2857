# How much do the mutual-information objectives contribute at all?
# (paper ablation: without MI losses)
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

# no loss reads the noisy motion: do not build its MLP (DDP needs every
# parameter to get a gradient)
model = dict(disentangler=dict(noisy_branch=False), head=dict(mi_loss=None))
