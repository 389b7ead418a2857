# Does the deformable spatial modulation of each stage's motion help?
# (paper ablation: TDE without spatial modulation)
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

model = dict(temporal_encoder=dict(modulation=False))
