# A tiny TDMI (HRNet widths 8..64, C = 8, 3 frames): the base of the CPU
# demo's model (tdmi_demo_synthetic.py), and the model the tests and smoke
# runs build: the full architecture of the main recipe at toy size, no
# pretrained weights. The data pipeline joins with the multi-frame datasets.
_base_ = ['mmpose::_base_/default_runtime.py']

custom_imports = dict(imports=['tdmi_mmpose'], allow_failed_imports=False)

# knobs
num_frames = 3
channels = 8
input_size = (64, 64)  # (w, h); HRNet needs multiples of 32
heatmap_size = (16, 16)
deform_groups = 2

codec = dict(
    type='MSRAHeatmap',
    input_size=input_size,
    heatmap_size=heatmap_size,
    sigma=2)

model = dict(
    type='VideoTopdownPoseEstimator',
    num_frames=num_frames,
    data_preprocessor=dict(
        type='MultiFramePoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='MultiStageHRNet',
        frozen=True,
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
                num_channels=(channels, 16)),
            stage3=dict(
                num_modules=1,
                num_branches=3,
                block='BASIC',
                num_blocks=(1, 1, 1),
                num_channels=(channels, 16, 32)),
            stage4=dict(
                num_modules=1,
                num_branches=4,
                block='BASIC',
                num_blocks=(1, 1, 1, 1),
                num_channels=(channels, 16, 32, 64))),
        # no pretrained weights here: HRNet's default init (N(0, 0.001)) in a
        # frozen, eval-BatchNorm backbone shrinks features to ~1e-15, which
        # no pretrained backbone does; Kaiming keeps them O(1)
        init_cfg=dict(type='Kaiming', layer='Conv2d')),
    temporal_encoder=dict(
        type='TemporalDifferenceEncoder',
        in_channels=channels,
        deform_groups=deform_groups),
    disentangler=dict(
        type='RepresentationDisentanglementModule',
        in_channels=channels,
        hidden_channels=16),
    appearance=dict(
        type='AppearanceEncoder',
        in_channels=channels,
        mode='aligned',
        deform_groups=deform_groups),
    head=dict(
        type='TDMIHead',
        in_channels=channels,
        out_channels=17,
        # trained from scratch: no single-frame model gives the projector,
        # so the mi_y terms are off (a random projector is refused)
        mi_loss=dict(
            type='TDMIMutualInformationLoss',
            term_weights=dict(y_useful_heatmaps=0., y_appearance_heatmaps=0.)),
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        decoder=codec),
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=True))

# runtime: a few iterations on CPU
train_cfg = dict(by_epoch=False, max_iters=4, val_interval=4)
optim_wrapper = dict(optimizer=dict(type='AdamW', lr=1e-3))
param_scheduler = []
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=1),
    checkpoint=dict(
        type='CheckpointHook',
        interval=4,
        by_epoch=False,
        save_best='posetrack/Total AP',
        rule='greater'))
log_processor = dict(by_epoch=False)
randomness = dict(seed=0)

# data: the synthetic PoseTrack set
# (tools/misc/generate_synthetic_posetrack.py)
data_root = 'data/synthetic_posetrack/'
frame_offsets = (-1, 0, 1)
train_pipeline = [
    dict(type='SampleClipFrames', offsets=frame_offsets, edge='fill_with_key'),
    dict(type='LoadClip', cache_size=64),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomHalfBody'),
    dict(type='ClippedNormalBBoxTransform'),
    dict(type='TopdownAffine', input_size=input_size),
    dict(type='GenerateTarget', encoder=codec),
    dict(
        type='PackPoseInputs',
        meta_keys=('id', 'img_id', 'img_path', 'category_id', 'ori_shape',
                   'img_shape', 'input_size', 'input_center', 'input_scale',
                   'flip', 'flip_direction', 'flip_indices', 'frame_offsets'))
]
val_pipeline = [
    dict(type='SampleClipFrames', offsets=frame_offsets, edge='fill_with_key'),
    dict(type='LoadClip', cache_size=64),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=input_size),
    dict(
        type='PackPoseInputs',
        meta_keys=('id', 'img_id', 'img_path', 'category_id', 'ori_shape',
                   'img_shape', 'input_size', 'input_center', 'input_scale',
                   'flip', 'flip_direction', 'flip_indices', 'frame_offsets'))
]
train_dataloader = dict(
    batch_size=4,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='PoseTrackVideoDataset',
        data_root=data_root,
        ann_file='annotations/posetrack18_train.json',
        data_prefix=dict(img=''),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=4,
    num_workers=0,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        type='PoseTrackVideoDataset',
        data_root=data_root,
        ann_file='annotations/posetrack18_val.json',
        bbox_file=data_root + 'detections/posetrack18_val_detections.json',
        data_prefix=dict(img=''),
        test_mode=True,
        pipeline=val_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(
    type='PoseTrackMetric',
    gt_dir=data_root + 'annotations/val',
    protocol='tdmi')
test_evaluator = val_evaluator
