# How much does the reg group of mutual-information terms contribute?
# (paper ablation: each MI objective)
_base_ = ['./with_authors_mi_losses.py']

model = dict(head=dict(mi_loss=dict(group_weights=dict(reg=0.0))))
