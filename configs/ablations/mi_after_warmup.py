# Every MI term off for the first 2,000 iterations, then on (not in
# the lineage, which applies them from the first step): does a start from
# near-zero heatmaps trap the MI-trained model at a low heatmap peak?
_base_ = ['./with_authors_mi_losses.py']

custom_hooks = [dict(type='MIWarmupHook', start_iter=2000)]
