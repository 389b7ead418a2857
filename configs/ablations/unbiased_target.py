# MMPose's DARK codec in both directions: DARK's unbiased training target
# (sub-pixel Gaussian centre) instead of the authors' Gaussian around the
# rounded keypoint; decoding is DARK's either way. The codec is read by the
# head (decoding) and by GenerateTarget (encoding): both are restated.
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

codec = dict(
    type='DarkDecodingHeatmap',
    input_size={{_base_.input_size}},
    heatmap_size={{_base_.heatmap_size}},
    sigma=3,
    unbiased_encoding=True)
model = dict(head=dict(decoder=codec))
train_pipeline = [
    dict(type='SampleClipFrames', edge='fill_with_key'),
    dict(type='LoadClip', cache_size=64),
    dict(type='GetBBoxCenterScale'),
    dict(type='DeferredRandomFlip', direction='horizontal', prob=0.5),
    dict(type='RandomHalfBody', prob=0.3),
    dict(type='ClippedNormalBBoxTransform'),
    dict(type='FlipFoldingTopdownAffine', input_size={{_base_.input_size}}),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs', meta_keys={{_base_.meta_keys}})
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
