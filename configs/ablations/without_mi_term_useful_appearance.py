# How much does the single MI term 'useful_appearance' contribute?
# (paper ablation: each MI term; see TDMIMutualInformationLoss)
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

model = dict(head=dict(mi_loss=dict(term_weights=dict(useful_appearance=0.0))))
