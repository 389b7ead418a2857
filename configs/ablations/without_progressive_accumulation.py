# Does accumulating stage motions progressively help over fusing them at
# once? (paper ablation: TDE without progressive accumulation)
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

model = dict(temporal_encoder=dict(accumulation='concat'))
