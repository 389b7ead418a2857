# Stage 1 on HiEve: MMPose's single-frame HRNet-W48 384x288 recipe (its
# PoseTrack18 one, fine-tuned from COCO) on HiEve's 14 keypoints, read from
# the files of tools/dataset_converters/hieve_to_posetrack.py. Changed from
# configs/stage1/hrnet_w48_posetrack18_384x288.py: the dataset, 14 heatmaps
# (COCO's final layer does not load: other joints), the local HiEve metric.
#   mim train tdmi_mmpose configs/hieve/hrnet_w48_hieve_384x288.py
_base_ = ['../stage1/hrnet_w48_posetrack18_384x288.py']

data_root = 'data/hieve/'
model = dict(head=dict(out_channels=14))
train_dataloader = dict(
    dataset=dict(
        type='HiEveDataset',
        data_root=data_root,
        ann_file='annotations/hieve_train.json',
        data_prefix=dict(img='')))
val_dataloader = dict(
    dataset=dict(
        type='HiEveDataset',
        data_root=data_root,
        ann_file='annotations/hieve_val.json',
        data_prefix=dict(img=''),
        bbox_file=None))
test_dataloader = val_dataloader
default_hooks = dict(checkpoint=dict(save_best='hieve/Total AP'))
val_evaluator = dict(
    _delete_=True, type='HiEveMetric', ann_dir=data_root + 'annotations/val')
test_evaluator = val_evaluator
