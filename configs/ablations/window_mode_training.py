# Not in the paper: train for the video tool's window mode
# (tools/demos/video_demo.py --fast window), which crops a person's clips
# with a window that stays put while the person moves inside it, so the
# person sits off-centre in the key crop by up to the window's margin.
# Every training clip's crop is moved (MMPose's RandomBBoxTransform shift:
# truncated normal within +-shift_factor of the crop size, per axis) instead
# of 30 % of them; the rest of the train pipeline is the recipe's.
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

train_dataloader = dict(
    dataset=dict(pipeline=[
        dict(step, shift_prob=1.0, shift_factor=0.2) if step['type'] ==
        'RandomBBoxTransform' else step
        for step in _base_.train_dataloader.dataset.pipeline
    ]))
