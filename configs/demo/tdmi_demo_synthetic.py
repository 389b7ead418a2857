# Stage 2 of the CPU demo (python3 run.py demo), the paper's protocol at toy
# size: a small TDMI on the frozen backbone of the single-frame model that
# stage 1 trained (configs/demo/single_frame_demo_synthetic.py), its MI
# projector loaded from that model's final layer; only the TDMI parts train,
# as the recipes train them: the keypoint loss plus the authors' nine MI
# terms, the noisy-motion MLP, the frozen BatchNorm with batch statistics
# (the demo trains it a second time with configs/ablations/
# without_mi_losses.py's delta).
# tools/demos/synthetic_demo.py sets model.single_frame_checkpoint to stage
# 1's checkpoint; to run by hand, train stage 1 first and point it there.
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
# x0.1 at 75 %: the benchmark's fixed schedule (benchmark_synthetic.py
# --set demo --iters 500 trains exactly what the demo trains)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=False, milestones=[375], gamma=0.1)
]
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50), checkpoint=dict(interval=500))

model = dict(
    single_frame_checkpoint='work_dirs/demo/single_frame/iter_500.pth',
    # the stage-1 model's backbone; no init of its own; BatchNorm as the
    # recipes run it
    backbone=dict(frozen=True, norm_eval=False, init_cfg=None),
    disentangler=dict(noisy_branch=True),
    # the recipes' MI terms: all nine (stage 1's final layer is the
    # projector of the two terms into Y)
    head=dict(
        decoder=codec,
        mi_loss=dict(
            _delete_=True,
            type='TDMIMutualInformationLoss',
            min_estimator=dict(type='KLSoftmaxMI', temperature=0.05),
            max_estimator=dict(type='KLSoftmaxMI', temperature=0.05),
            group_weights=dict(motion=1.0, modal=1.0, reg=1.0))))

train_pipeline = [
    dict(type='SampleClipFrames', offsets=(-1, 0, 1), edge='fill_with_key'),
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
    dict(type='SampleClipFrames', offsets=(-1, 0, 1), edge='fill_with_key'),
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
# the generator records degraded key frames and, on a set with irrelevant
# motion, those where a passer-by or a moving object covers a person: report
# them apart (tdmi_research.synthetic_config adds the subset
# 'nuisance' on such a set)
val_evaluator = dict(
    frame_subsets=dict(
        blurred=dict(where=dict(degraded='blur')),
        occluded=dict(where=dict(degraded='occluder')),
        clean=dict(where=dict(degraded=None, nuisance=None))))
test_evaluator = val_evaluator
