# Does channel attention disentangle motion better than a fixed channel
# split? (paper ablation: RDM split vs attention)
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

model = dict(disentangler=dict(mode='split'))
