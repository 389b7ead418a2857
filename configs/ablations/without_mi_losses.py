# What do the authors' mutual-information objectives add to the keypoint
# loss? (paper ablation: TDMI without its MI terms) The keypoint MSE alone;
# no loss reads the noisy motion M_n, so its MLP is not built (2,851,249
# trainable parameters at W48 instead of the recipe's 2,863,713).
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

model = dict(disentangler=dict(noisy_branch=False), head=dict(mi_loss=None))
