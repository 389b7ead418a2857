# TDMI (Feng et al., CVPR 2023) with HRNet-W48 on PoseTrack2017.
# The main recipe: self-contained, the paper's method as the authors' code
# computes it (docs/method.md, sections 2 and 3). Stage 2 of the paper's
# two-stage protocol: the HRNet-W48 of a single-frame PoseTrack model
# (stage 1) is frozen (its BatchNorm in training mode, batch statistics, as
# the authors' code runs it) and its final 1x1 layer is the MI projector;
# T = 5 frames at offsets -2..2 (the authors' edge frames), 384x288 input,
# the authors' clipped-normal box augmentation, the keypoint MSE plus the
# authors' nine mutual-information terms (weights 1), AdamW lr 1e-3 x0.1 at
# epochs 6, 12, 18 of 20, test with the PoseWarper/DCPose precomputed boxes
# (score >= 0.2), flip test, DARK decoding, and the metric in the TDMI
# protocol (joint score x box score, no pose NMS). Departures are ablations
# with their own names (configs/ablations/: without_mi_losses.py,
# mi_weights_x0_1.py, frozen_bn_eval.py, ...); the synthetic studies of
# docs/evidence.md are a caution about the MI terms at toy sizes, not
# evidence about PoseTrack.
# Data layout: docs/data.md.
#
# Stage 1 defaults to MMPose's released single-frame PoseTrack18 HRNet-W48
# 384x288 (configs/stage1/hrnet_w48_posetrack18_384x288.py). To use your own
# stage-1 checkpoint (MMPose 1.x or 0.x key names both load):
#   --cfg-options model.single_frame_checkpoint=work_dirs/stage1/best.pth

# MMPose's runtime (hooks, environment, visualiser, logging)
_base_ = ['mmpose::_base_/default_runtime.py']
custom_imports = dict(imports=['tdmi_mmpose'], allow_failed_imports=False)

# ----------------------------------------------------------------- knobs
# T and the clip's offsets: model.num_frames and the datasets' frame_offsets
# (SampleClipFrames reads them from the dataset); a T ablation overrides
# those three fields
num_frames = 5
frame_offsets = (-2, -1, 0, 1, 2)
input_size = (288, 384)  # (w, h)
heatmap_size = (72, 96)
channels = 48  # HRNet-W48 high-resolution width
deform_groups = 12
base_lr = 1e-3
max_epochs = 20
# clips per GPU; the authors' code trains 30 clips per step on one GPU: keep
# batch_size x GPUs = 30 (e.g. 2 GPUs x 15: --cfg-options
# train_dataloader.batch_size=15), or add --auto-scale-lr to scale the lr
batch_size = 30
data_root = 'data/posetrack17/'
# stage 1: MMPose's single-frame HRNet-W48 384x288 fine-tuned on PoseTrack18
# from COCO (MMPose 0.x keys: backbone.*, keypoint_head.final_layer.*)
single_frame_checkpoint = (
    'https://download.openmmlab.com/mmpose/top_down/hrnet/'
    'hrnet_w48_posetrack18_384x288-5fd6d3ff_20211130.pth')

# a checkpoint every epoch, the best by Total AP and the last three kept
default_hooks = dict(
    checkpoint=dict(
        interval=1,
        save_best='posetrack/Total AP',
        rule='greater',
        max_keep_ckpts=3))

# ------------------------------------------------------ optimizer, schedule
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=1)
optim_wrapper = dict(optimizer=dict(type='AdamW', lr=base_lr))
param_scheduler = [
    dict(
        type='MultiStepLR',
        begin=0,
        end=max_epochs,
        milestones=[6, 12, 18],
        gamma=0.1,
        by_epoch=True)
]
auto_scale_lr = dict(base_batch_size=30)

# ----------------------------------------------------------------- codec
# the authors' target (a Gaussian around the rounded keypoint, cut at 3
# sigma) with DARK at decoding only; MMPose's MSRAHeatmap(unbiased=True)
# would also train on DARK's unbiased target
# (configs/ablations/unbiased_target.py)
codec = dict(
    type='DarkDecodingHeatmap',
    input_size=input_size,
    heatmap_size=heatmap_size,
    sigma=3)

# ----------------------------------------------------------------- model
model = dict(
    type='VideoTopdownPoseEstimator',
    num_frames=num_frames,
    # loads the frozen backbone and the MI projector (head.y_projector)
    single_frame_checkpoint=single_frame_checkpoint,
    # the layout the backbone uses, for the neck and head too: same values,
    # faster convolutions on CPU (docs/speed.md)
    channels_last=True,
    data_preprocessor=dict(
        type='MultiFramePoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),  # num_frames: the estimator's
    backbone=dict(
        type='MultiStageHRNet',
        frozen=True,
        # the authors' code only stops the gradients: the frozen BatchNorm
        # normalises with batch statistics while training and its running
        # statistics follow (configs/ablations/frozen_bn_eval.py keeps
        # MMPose's eval-mode BatchNorm)
        norm_eval=False,
        # oneDNN's (and cuDNN's) faster layout for the frozen passes; same
        # values and checkpoint keys (models/backbones/multi_stage_hrnet.py)
        channels_last=True,
        in_channels=3,
        extra=dict(
            stage1=dict(
                num_modules=1,
                num_branches=1,
                block='BOTTLENECK',
                num_blocks=(4, ),
                num_channels=(64, )),
            stage2=dict(
                num_modules=1,
                num_branches=2,
                block='BASIC',
                num_blocks=(4, 4),
                num_channels=(channels, channels * 2)),
            stage3=dict(
                num_modules=4,
                num_branches=3,
                block='BASIC',
                num_blocks=(4, 4, 4),
                num_channels=(channels, channels * 2, channels * 4)),
            stage4=dict(
                num_modules=3,
                num_branches=4,
                block='BASIC',
                num_blocks=(4, 4, 4, 4),
                num_channels=(channels, channels * 2, channels * 4,
                              channels * 8)))),
    temporal_encoder=dict(
        type='TemporalDifferenceEncoder',
        in_channels=channels,
        stages=(0, 1, 2, 3),
        blocks_per_stage=2,
        modulation=True,
        accumulation='progressive',
        deform_groups=deform_groups,
        dilation=3,
        mask_activation='none'),
    # the noisy-motion MLP gives M_n, which the motion group of MI terms
    # reads (without MI losses it is not built: DDP needs every parameter
    # to get a gradient)
    disentangler=dict(
        type='RepresentationDisentanglementModule',
        in_channels=channels,
        hidden_channels=128,
        mode='attention',
        noisy_branch=True),
    appearance=dict(
        type='AppearanceEncoder',
        in_channels=channels,
        mode='aligned',
        deform_groups=deform_groups,
        dilation=3,
        mask_activation='none'),
    head=dict(
        type='TDMIHead',
        in_channels=channels,
        out_channels=17,
        fusion_blocks=3,
        # the authors' nine MI terms (method notes, section 2): the softmax-
        # KL surrogate at temperature 0.05 for the minimised and maximised
        # terms, every group weight 1, from the first step; the two terms
        # into Y read the frozen stage-1 final layer (head.y_projector)
        mi_loss=dict(
            type='TDMIMutualInformationLoss',
            min_estimator=dict(type='KLSoftmaxMI', temperature=0.05),
            max_estimator=dict(type='KLSoftmaxMI', temperature=0.05),
            group_weights=dict(motion=1.0, modal=1.0, reg=1.0)),
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        decoder=codec),
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=True))

# ------------------------------------------------------------------ data
dataset_type = 'PoseTrackVideoDataset'
meta_keys = ('id', 'img_id', 'img_path', 'category_id', 'ori_shape',
             'img_shape', 'input_size', 'input_center', 'input_scale', 'flip',
             'flip_direction', 'flip_indices', 'frame_offsets')
train_pipeline = [
    dict(type='SampleClipFrames', edge='fill_with_key'),
    dict(type='LoadClip', cache_size=64),
    dict(type='GetBBoxCenterScale'),
    # MMPose's RandomFlip + TopdownAffine, with the flip folded into the
    # one warp per frame (same crops and targets; no full-frame flips)
    dict(type='DeferredRandomFlip', direction='horizontal', prob=0.5),
    dict(type='RandomHalfBody', prob=0.3),
    # scale x clip(N(0,1)*0.35+1, 0.65, 1.35); rotation clip(N(0,1)*45,
    # -90, 90) with p 0.6 (the authors'; not MMPose's truncated normal)
    dict(type='ClippedNormalBBoxTransform'),
    dict(type='FlipFoldingTopdownAffine', input_size=input_size),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs', meta_keys=meta_keys)
]
val_pipeline = [
    dict(type='SampleClipFrames', edge='fill_with_key'),
    dict(type='LoadClip', cache_size=64),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=input_size),
    dict(type='PackPoseInputs', meta_keys=meta_keys)
]

train_dataloader = dict(
    batch_size=batch_size,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/posetrack_train.json',
        frame_offsets=frame_offsets,
        data_prefix=dict(img=''),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=batch_size,
    num_workers=4,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/posetrack_val.json',
        bbox_file=data_root + 'val_boxes.json',
        bbox_score_thr=0.2,
        frame_offsets=frame_offsets,
        data_prefix=dict(img=''),
        test_mode=True,
        pipeline=val_pipeline))
test_dataloader = val_dataloader

# ------------------------------------------------------------ evaluators
val_evaluator = dict(
    type='PoseTrackMetric',
    gt_dir=data_root + 'annotations/val',
    protocol='tdmi')
test_evaluator = val_evaluator
