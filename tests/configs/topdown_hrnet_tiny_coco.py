# A tiny single-frame top-down model (MMPose's stock TopdownPoseEstimator with
# a 4-stage HRNet of widths 8..64) on a few generated COCO-format images.
# For tests and smoke runs on CPU only; set the data root with
#   --cfg-options train_dataloader.dataset.data_root=DIR \
#       val_dataloader.dataset.data_root=DIR val_evaluator.ann_file=DIR/...
_base_ = ['mmpose::_base_/default_runtime.py']

custom_imports = dict(imports=['tdmi_mmpose'], allow_failed_imports=False)

# knobs
data_root = 'data/smoke_coco/'
input_size = (64, 64)  # (w, h); HRNet needs multiples of 32
heatmap_size = (16, 16)
max_iters = 4
batch_size = 2

# runtime
train_cfg = dict(by_epoch=False, max_iters=max_iters, val_interval=max_iters)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3))
param_scheduler = []
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=1),
    checkpoint=dict(
        type='CheckpointHook', interval=2, by_epoch=False, max_keep_ckpts=2))
log_processor = dict(by_epoch=False)
randomness = dict(seed=0)

# codec
codec = dict(
    type='MSRAHeatmap',
    input_size=input_size,
    heatmap_size=heatmap_size,
    sigma=1)

# model
model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='HRNet',
        in_channels=3,
        extra=dict(
            stage1=dict(
                num_modules=1,
                num_branches=1,
                block='BOTTLENECK',
                num_blocks=(1, ),
                num_channels=(8, )),
            stage2=dict(
                num_modules=1,
                num_branches=2,
                block='BASIC',
                num_blocks=(1, 1),
                num_channels=(8, 16)),
            stage3=dict(
                num_modules=1,
                num_branches=3,
                block='BASIC',
                num_blocks=(1, 1, 1),
                num_channels=(8, 16, 32)),
            stage4=dict(
                num_modules=1,
                num_branches=4,
                block='BASIC',
                num_blocks=(1, 1, 1, 1),
                num_channels=(8, 16, 32, 64)))),
    head=dict(
        type='HeatmapHead',
        in_channels=8,
        out_channels=17,
        deconv_out_channels=None,
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        decoder=codec),
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=True))

# data
dataset_type = 'CocoDataset'
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='TopdownAffine', input_size=input_size),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=input_size),
    dict(type='PackPoseInputs')
]
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode='topdown',
        ann_file='annotations/train.json',
        data_prefix=dict(img='images/'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=batch_size,
    num_workers=0,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode='topdown',
        ann_file='annotations/val.json',
        data_prefix=dict(img='images/'),
        test_mode=True,
        pipeline=val_pipeline))
test_dataloader = val_dataloader

# evaluators
val_evaluator = dict(
    type='CocoMetric', ann_file=data_root + 'annotations/val.json')
test_evaluator = val_evaluator
