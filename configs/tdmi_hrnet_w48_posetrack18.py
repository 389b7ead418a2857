# TDMI, HRNet-W48, PoseTrack2018: the PoseTrack17 recipe on PoseTrack18's
# files (MMPose's merged COCO-style annotations, its person detections, the
# official per-sequence validation files for the metric).
_base_ = ['./tdmi_hrnet_w48_posetrack17.py']

data_root = 'data/posetrack18/'

train_dataloader = dict(
    dataset=dict(
        data_root=data_root, ann_file='annotations/posetrack18_train.json'))
val_dataloader = dict(
    dataset=dict(
        data_root=data_root,
        ann_file='annotations/posetrack18_val.json',
        bbox_file=data_root +
        'annotations/posetrack18_val_human_detections.json'))
test_dataloader = val_dataloader
val_evaluator = dict(gt_dir=data_root + 'annotations/val')
test_evaluator = val_evaluator
