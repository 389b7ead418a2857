# The CPU demo (python3 run.py demo): a small TDMI trained from scratch on the
# generated synthetic PoseTrack set for a few minutes. No pretrained weights
# can be downloaded here, so the backbone trains too (frozen=False), unlike
# the paper's recipe.
_base_ = ['./tdmi_hrnet_tiny.py']

input_size = (96, 128)  # (w, h)
heatmap_size = (24, 32)
codec = dict(
    type='MSRAHeatmap',
    input_size=input_size,
    heatmap_size=heatmap_size,
    sigma=2)

train_cfg = dict(by_epoch=False, max_iters=500, val_interval=500)
optim_wrapper = dict(optimizer=dict(type='AdamW', lr=2e-3))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=False, milestones=[400], gamma=0.1)
]
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50), checkpoint=dict(interval=500))

model = dict(backbone=dict(frozen=False), head=dict(decoder=codec))

train_pipeline = [
    dict(type='SampleClipFrames', offsets=(-1, 0, 1), edge='lineage'),
    dict(type='LoadClip', cache_size=256),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(
        type='RandomBBoxTransform', rotate_factor=30, scale_factor=(0.8, 1.2)),
    dict(type='TopdownAffine', input_size=input_size),
    dict(type='GenerateTarget', encoder=codec),
    dict(
        type='PackPoseInputs',
        meta_keys=('id', 'img_id', 'img_path', 'category_id', 'ori_shape',
                   'img_shape', 'input_size', 'input_center', 'input_scale',
                   'flip', 'flip_direction', 'flip_indices', 'frame_offsets'))
]
val_pipeline = [
    dict(type='SampleClipFrames', offsets=(-1, 0, 1), edge='lineage'),
    dict(type='LoadClip', cache_size=256),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=input_size),
    dict(
        type='PackPoseInputs',
        meta_keys=('id', 'img_id', 'img_path', 'category_id', 'ori_shape',
                   'img_shape', 'input_size', 'input_center', 'input_scale',
                   'flip', 'flip_direction', 'flip_indices', 'frame_offsets'))
]
train_dataloader = dict(batch_size=8, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(batch_size=16, dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
