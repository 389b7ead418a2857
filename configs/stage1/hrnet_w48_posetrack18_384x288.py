# Stage 1 of TDMI's two-stage protocol: MMPose's own single-frame top-down
# HRNet-W48 384x288 on PoseTrack18, fine-tuned from its COCO checkpoint
# (MMPose's model zoo: 84.6 Total AP on PoseTrack18 val with ground-truth
# boxes; released as hrnet_w48_posetrack18_384x288-5fd6d3ff_20211130.pth,
# the default stage 1 of the TDMI recipes). Inherited from MMPose's config,
# not copied. Train it with
#   mim train tdmi_mmpose configs/stage1/hrnet_w48_posetrack18_384x288.py
# and hand the best checkpoint to a TDMI recipe with
#   --cfg-options model.single_frame_checkpoint=work_dirs/.../best_*.pth
_base_ = [
    'mmpose::body_2d_keypoint/topdown_heatmap/posetrack18/'
    'td-hm_hrnet-w48_8xb64-20e_posetrack18-384x288.py'
]

custom_imports = dict(imports=['tdmi_mmpose'], allow_failed_imports=False)

# The only change: MMPose's PoseTrack18Metric needs poseval, which is not on
# PyPI (and its save_best key 'posetrack18/Total AP' is never emitted);
# PoseTrackMetric gives poseval's numbers (MMPose's protocol: OKS-NMS,
# box x mean joint score) and emits 'posetrack/Total AP'.
data_root = 'data/posetrack18/'
default_hooks = dict(checkpoint=dict(save_best='posetrack/Total AP'))
val_evaluator = dict(
    _delete_=True,
    type='PoseTrackMetric',
    gt_dir=data_root + 'annotations/val',
    protocol='mmpose')
test_evaluator = val_evaluator
