# How much does the single MI term 'y_useful_heatmaps' contribute?
# (paper ablation: each MI term; see TDMIMutualInformationLoss)
_base_ = ['./with_authors_mi_losses.py']

model = dict(head=dict(mi_loss=dict(term_weights=dict(y_useful_heatmaps=0.0))))
