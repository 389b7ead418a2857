# How does the number of frames matter: T = 3 instead of 5?
# (paper ablation: number of frames)
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

frame_offsets = (-1, 0, 1)

model = dict(num_frames=3, data_preprocessor=dict(num_frames=3))
train_dataloader = dict(
    dataset=dict(pipeline=[
        dict(type='SampleClipFrames', offsets=frame_offsets, edge='lineage'),
        dict(type='LoadClip', cache_size=64),
        dict(type='GetBBoxCenterScale'),
        dict(type='RandomFlip', direction='horizontal', prob=0.5),
        dict(type='RandomHalfBody', prob=0.3),
        dict(type='ClippedNormalBBoxTransform'),
        dict(type='TopdownAffine', input_size={{_base_.input_size}}),
        dict(type='GenerateTarget', encoder={{_base_.codec}}),
        dict(type='PackPoseInputs', meta_keys={{_base_.meta_keys}})
    ]))
val_dataloader = dict(
    dataset=dict(pipeline=[
        dict(type='SampleClipFrames', offsets=frame_offsets, edge='lineage'),
        dict(type='LoadClip', cache_size=64),
        dict(type='GetBBoxCenterScale'),
        dict(type='TopdownAffine', input_size={{_base_.input_size}}),
        dict(type='PackPoseInputs', meta_keys={{_base_.meta_keys}})
    ]))
test_dataloader = val_dataloader
