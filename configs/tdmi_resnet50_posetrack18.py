# TDMI on ResNet-50, PoseTrack2018: the PoseTrack18 recipe with a frozen
# ResNet-50 (four levels, strides 4-32) behind MultiLevelBackbone's adapters
# instead of HRNet-W48's stages. Stage 1 is MMPose's PoseTrack18
# SimpleBaseline ResNet-50 (model zoo, res50_posetrack18_256x192; MMPose
# 0.x keys: backbone.* and keypoint_head.final_layer, 256 -> 17): its
# backbone is frozen here and its final layer is the MI projector, so the
# TDMI width C is that layer's input width, 256 (deformable groups 16). The
# input stays the recipe's 384x288 (the stage-1 model was trained at
# 256x192; its convolutions run at any size).
_base_ = ['./tdmi_hrnet_w48_posetrack18.py']

channels = 256
deform_groups = 16
model = dict(
    single_frame_checkpoint=(
        'https://download.openmmlab.com/mmpose/top_down/resnet/'
        'res50_posetrack18_256x192-a62807c7_20201028.pth'),
    backbone=dict(
        _delete_=True,
        type='MultiLevelBackbone',
        backbone=dict(type='ResNet', depth=50, out_indices=(0, 1, 2, 3)),
        in_channels=(256, 512, 1024, 2048),
        out_channels=channels,
        # the recipe's frozen BatchNorm with batch statistics
        norm_eval=False),
    temporal_encoder=dict(in_channels=channels, deform_groups=deform_groups),
    disentangler=dict(in_channels=channels),
    appearance=dict(in_channels=channels, deform_groups=deform_groups),
    head=dict(in_channels=channels))
