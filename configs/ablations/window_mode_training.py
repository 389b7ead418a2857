# Not in the paper: train for the video tool's window mode
# (tools/demos/video_demo.py --fast window), which crops a person's clips
# with a window that stays put while the person moves inside it, so the
# person sits off-centre in the key crop by up to the window's margin.
# Every training clip's crop is moved (MMPose's shift: a truncated normal
# within +-shift_factor of the crop size, per axis), where the recipe's
# ClippedNormalBBoxTransform moves none (the authors' augmentation) and
# MMPose's RandomBBoxTransform 30 %; the rest of the pipeline is the base's.
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

train_dataloader = dict(
    dataset=dict(pipeline=[
        dict(step, shift_prob=1.0, shift_factor=0.2) if step['type'] in (
            'ClippedNormalBBoxTransform', 'RandomBBoxTransform') else step
        for step in _base_.train_dataloader.dataset.pipeline
    ]))
