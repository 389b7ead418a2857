# How much does the single MI term 'useful_noisy' contribute?
# (paper ablation: each MI term; see TDMIMutualInformationLoss)
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

# the only term that reads the noisy motion: no noisy MLP (DDP)
model = dict(
    disentangler=dict(noisy_branch=False),
    head=dict(mi_loss=dict(term_weights=dict(useful_noisy=0.0))))
