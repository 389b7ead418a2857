# TDMI on CSPNeXt-m (RTMPose's backbone), PoseTrack2018: the PoseTrack18
# recipe with a frozen CSPNeXt-m (four stages, strides 4-32) behind
# MultiLevelBackbone's adapters instead of HRNet-W48's stages. Stage 1 is
# RTMPose-m trained on COCO (MMPose's model zoo,
# rtmpose-m_8xb256-420e_coco-256x192, 74.6 AP on COCO val as MMPose's table
# states): its backbone is frozen here. No PoseTrack-trained RTMPose is
# released, so this stage 1 has not seen PoseTrack (the paper's stage 1
# has; train your own with MMPose and point model.single_frame_checkpoint at
# it). Its SimCC head has no heatmap layer, so no MI projector loads
# (projector_from_checkpoint=False) and the two MI terms into Y, which read
# it, are off (a random projector would pull the heatmaps toward a random
# map): seven of the authors' nine terms train. C is the
# HRNet recipe's 48. The input stays the recipe's 384x288 (RTMPose-m was
# trained at 256x192; its convolutions run at any size).
_base_ = ['./tdmi_hrnet_w48_posetrack18.py']

model = dict(
    single_frame_checkpoint=(
        'https://download.openmmlab.com/mmpose/v1/projects/rtmposev1/'
        'rtmpose-m_simcc-coco_pt-aic-coco_420e-256x192-d8dd5ca4_20230127.pth'),
    projector_from_checkpoint=False,
    backbone=dict(
        _delete_=True,
        type='MultiLevelBackbone',
        # RTMPose-m's backbone (MMPose's CSPNeXt: the same modules and keys
        # as mmdet's, which RTMPose's config names) with all four stages out
        backbone=dict(
            type='CSPNeXt',
            arch='P5',
            expand_ratio=0.5,
            deepen_factor=0.67,
            widen_factor=0.75,
            out_indices=(1, 2, 3, 4),
            channel_attention=True,
            norm_cfg=dict(type='BN'),
            act_cfg=dict(type='SiLU')),
        in_channels=(96, 192, 384, 768),
        out_channels=48,
        # the recipe's frozen BatchNorm with batch statistics
        norm_eval=False),
    head=dict(
        mi_loss=dict(
            term_weights=dict(y_useful_heatmaps=0.,
                              y_appearance_heatmaps=0.))))
