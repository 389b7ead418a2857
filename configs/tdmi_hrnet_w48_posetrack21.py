# TDMI, HRNet-W48, PoseTrack21: the PoseTrack17 recipe on PoseTrack21's
# per-sequence files (same layout as PoseTrack18) and person detections,
# evaluated as PoseTrack21's official kit evaluates (its AP; with
# track=True and tracked predictions, HOTA).
_base_ = ['./tdmi_hrnet_w48_posetrack17.py']

data_root = 'data/posetrack21/'

train_dataloader = dict(
    dataset=dict(data_root=data_root, ann_file='posetrack_data/train'))
val_dataloader = dict(
    dataset=dict(
        data_root=data_root,
        ann_file='posetrack_data/val',
        bbox_file=data_root + 'val_human_detections.json'))
test_dataloader = val_dataloader
val_evaluator = dict(
    gt_dir=data_root + 'posetrack_data/val', official_kit='posetrack21')
test_evaluator = val_evaluator
