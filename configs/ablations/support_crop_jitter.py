# Not in the paper: train for the video tool's fast mode
# (tools/demos/video_demo.py --fast), which reads each support frame's
# features from a crop placed by that frame's own box and resamples them
# into the key crop. Half of the training clips see their support frames
# through crops zoomed by up to +-10 % and moved by up to 10 % of the crop,
# resampled back the same way (model.support_crop_jitter in
# models/pose_estimators/video_topdown.py).
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

model = dict(support_crop_jitter=dict(prob=0.5, shift=0.1, scale=0.1))
