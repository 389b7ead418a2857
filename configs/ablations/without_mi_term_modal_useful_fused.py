# How much does the single MI term 'modal_useful_fused' contribute?
# (paper ablation: each MI term; see TDMIMutualInformationLoss)
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

model = dict(
    head=dict(mi_loss=dict(term_weights=dict(modal_useful_fused=0.0))))
