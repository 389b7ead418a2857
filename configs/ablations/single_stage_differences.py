# Do multi-stage temporal differences help over differences of the last
# backbone stage alone? (paper ablation: single- vs multi-stage TDE)
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

model = dict(temporal_encoder=dict(stages=(3, )))
