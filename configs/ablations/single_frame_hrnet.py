# What does temporal context add over the single-frame HRNet-W48 top-down
# model trained the same way on the same key frames? (paper baseline)
# Initialised from COCO as MMPose's stage-1 recipe is, so it is the stage-1
# model trained on PoseTrack17 key frames with the authors' augmentation.
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

hrnet_w48_coco = ('https://download.openmmlab.com/mmpose/top_down/hrnet/'
                  'hrnet_w48_coco_384x288-314c8528_20200708.pth')

model = dict(
    _delete_=True,
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='HRNet',
        in_channels=3,
        extra={{_base_.model.backbone.extra}},
        init_cfg=dict(
            type='Pretrained', checkpoint=hrnet_w48_coco, prefix='backbone.')),
    head=dict(
        type='HeatmapHead',
        in_channels=48,
        out_channels=17,
        deconv_out_channels=None,
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        decoder={{_base_.codec}}),
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=True))
train_dataloader = dict(
    dataset=dict(pipeline=[
        dict(type='LoadImage'),
        dict(type='GetBBoxCenterScale'),
        dict(type='RandomFlip', direction='horizontal', prob=0.5),
        dict(type='RandomHalfBody', prob=0.3),
        dict(type='ClippedNormalBBoxTransform'),
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
