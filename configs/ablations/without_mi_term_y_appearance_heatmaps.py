# How much does the single MI term 'y_appearance_heatmaps' contribute?
# (paper ablation: each MI term; see TDMIMutualInformationLoss)
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

model = dict(
    head=dict(mi_loss=dict(term_weights=dict(y_appearance_heatmaps=0.0))))
