# TDMI, HRNet-W48, HiEve: the PoseTrack17 recipe on HiEve's 14 keypoints,
# read from the files of tools/dataset_converters/hieve_to_posetrack.py.
# Stage 1 is your HiEve single-frame model
# (configs/hieve/hrnet_w48_hieve_384x288.py), passed as
#   --cfg-options model.single_frame_checkpoint=work_dirs/.../best_*.pth
# (without it the MI terms that map features to heatmaps refuse to train).
# Validation: the held-out training videos with ground-truth boxes and the
# local HiEve metric (HiEve's own metric runs on its server); test: the
# test videos with a person-box file, written as HiEve submission files and
# zipped (work_dirs/hieve_submission.zip).
_base_ = ['./tdmi_hrnet_w48_posetrack17.py']

data_root = 'data/hieve/'
model = dict(single_frame_checkpoint=None, head=dict(out_channels=14))
train_dataloader = dict(
    dataset=dict(
        type='HiEveVideoDataset',
        data_root=data_root,
        ann_file='annotations/train',
        data_prefix=dict(img='')))
val_dataloader = dict(
    dataset=dict(
        type='HiEveVideoDataset',
        data_root=data_root,
        ann_file='annotations/val',
        data_prefix=dict(img=''),
        bbox_file=None))
test_dataloader = dict(
    dataset=dict(
        type='HiEveVideoDataset',
        data_root=data_root,
        ann_file='annotations/test',
        data_prefix=dict(img=''),
        bbox_file=data_root + 'test_human_detections.json'))
default_hooks = dict(checkpoint=dict(save_best='hieve/Total AP'))
val_evaluator = dict(
    _delete_=True, type='HiEveMetric', ann_dir=data_root + 'annotations/val')
test_evaluator = dict(
    _delete_=True,
    type='HiEveMetric',
    ann_dir=data_root + 'annotations/test',
    format_only=True,
    outfile_prefix='work_dirs/hieve_submission')
