# A tiny TDMI (HRNet widths 8..64, C = 8, 3 frames) for tests and CPU smoke
# runs: the full architecture of the main recipe at toy size, no pretrained
# weights. The data pipeline joins with the multi-frame datasets.
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
        bgr_to_rgb=True,
        num_frames=num_frames),
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
                num_channels=(channels, 16, 32, 64)))),
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
        mi_loss=dict(type='TDMIMutualInformationLoss'),
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        decoder=codec),
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=True))
