# Stage 1 of the CPU demo (python3 run.py demo) and the single-frame
# baseline of the synthetic benchmark: MMPose's stock top-down model with the
# demo's HRNet (same widths, trained from scratch), same input size,
# schedule, data and metric; key frames only. Its checkpoint gives stage 2
# (tdmi_demo_synthetic.py) the frozen backbone and the MI projector.
_base_ = ['./tdmi_demo_synthetic.py']

model = dict(
    _delete_=True,
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='HRNet', in_channels=3, extra={{_base_.model.backbone.extra}}),
    head=dict(
        type='HeatmapHead',
        in_channels={{_base_.channels}},
        out_channels=17,
        deconv_out_channels=None,
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        decoder={{_base_.codec}}),
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=True))
train_dataloader = dict(
    dataset=dict(pipeline=[
        dict(type='LoadImage'),
        dict(type='GetBBoxCenterScale'),
        dict(type='RandomFlip', direction='horizontal'),
        dict(
            type='RandomBBoxTransform',
            rotate_factor=30,
            scale_factor=(0.8, 1.2)),
        dict(type='TopdownAffine', input_size={{_base_.input_size}}),
        dict(type='GenerateTarget', encoder={{_base_.codec}}),
        dict(type='PackPoseInputs')
    ]))
val_dataloader = dict(
    dataset=dict(pipeline=[
        dict(type='LoadImage'),
        dict(type='GetBBoxCenterScale'),
        dict(type='TopdownAffine', input_size={{_base_.input_size}}),
        dict(type='PackPoseInputs')
    ]))
test_dataloader = val_dataloader
