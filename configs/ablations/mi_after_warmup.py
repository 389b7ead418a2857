# Every MI term off for the first 2,000 iterations, then on (not in
# the authors' code, which applies them from the first step): does a start from
# near-zero heatmaps trap the MI-trained model at a low heatmap peak?
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

custom_hooks = [dict(type='MIWarmupHook', start_iter=2000)]
