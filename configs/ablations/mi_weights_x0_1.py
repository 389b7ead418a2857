# Every group of the authors' MI terms at weight 0.1 instead of 1 (the weight
# the FAMI-Pose code gives some of its MI terms): does a weaker pull of the
# surrogate help or hurt?
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

model = dict(
    head=dict(
        mi_loss=dict(group_weights=dict(motion=0.1, modal=0.1, reg=0.1))))
