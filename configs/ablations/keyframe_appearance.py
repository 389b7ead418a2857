# Is the aligned support-frame appearance (the authors' code) better than the
# key frame's feature (the paper's figure)? (open design point)
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

model = dict(appearance=dict(mode='keyframe'))
