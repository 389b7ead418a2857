# TDMI on ViTPose-B, PoseTrack2018: the PoseTrack18 recipe with a frozen
# ViT-B (mmpretrain's VisionTransformer, as MMPose's ViTPose configs build
# it; pip install ".[vit]") behind MultiLevelBackbone's adapters instead of
# HRNet-W48's stages. Its four levels are the outputs of blocks 3, 6, 9 and
# 12 (out_indices 2, 5, 8, 11), all at stride 16: the temporal differences
# run across depth rather than across resolutions. The adapters' BatchNorm
# normalises the intermediate blocks, which the ViT leaves without a layer
# norm (only the last gets final_norm), and scale_factor=4 brings the levels
# to the heatmaps' stride 4. Stage 1 is MMPose's ViTPose-B trained on COCO
# (td-hm_ViTPose-base_8xb64-210e_coco-256x192, 75.7 AP on COCO val as
# MMPose's table states): its backbone is frozen here. Its final layer maps
# to COCO's keypoints (eyes where PoseTrack has head_bottom and head_top),
# so it is not loaded as the MI projector (projector_from_checkpoint=False)
# and the two MI terms into Y, which read it, are off: seven of the authors'
# nine terms train. C is the HRNet recipe's 48. The input stays the recipe's
# 384x288 (the ViT resizes its position embedding from 256x192).
_base_ = ['./tdmi_hrnet_w48_posetrack18.py']

custom_imports = dict(
    imports=['tdmi_mmpose', 'mmpretrain.models'], allow_failed_imports=False)
model = dict(
    single_frame_checkpoint=(
        'https://download.openmmlab.com/mmpose/v1/body_2d_keypoint/'
        'topdown_heatmap/coco/'
        'td-hm_ViTPose-base_8xb64-210e_coco-256x192-216eae50_20230314.pth'),
    projector_from_checkpoint=False,
    backbone=dict(
        _delete_=True,
        type='MultiLevelBackbone',
        backbone=dict(
            type='mmpretrain.VisionTransformer',
            arch='base',
            img_size=(256, 192),
            patch_size=16,
            qkv_bias=True,
            drop_path_rate=0.3,
            with_cls_token=False,
            out_type='featmap',
            out_indices=(2, 5, 8, 11),
            patch_cfg=dict(padding=2)),
        in_channels=(768, 768, 768, 768),
        out_channels=48,
        scale_factor=4,
        # the recipe's frozen normalisation layers in training mode (the
        # ViT's are LayerNorms, which have no running statistics)
        norm_eval=False),
    head=dict(
        mi_loss=dict(
            term_weights=dict(y_useful_heatmaps=0.,
                              y_appearance_heatmaps=0.))))
