# What do the authors' mutual-information objectives add to the keypoint
# loss? The nine MI terms of the authors' code (paper section 3.3; method
# notes, section 2): the softmax-KL surrogate at temperature 0.05 for the
# minimised and the maximised terms, every group weight 1, from the first
# step, and the noisy-motion MLP that the motion group reads. The recipes
# leave them out (docs/evidence.md: they cost AP in every configuration
# measured); the per-term and per-group MI ablations start from this file.
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

model = dict(
    disentangler=dict(noisy_branch=True),
    head=dict(
        mi_loss=dict(
            _delete_=True,  # the recipe's mi_loss is None
            type='TDMIMutualInformationLoss',
            min_estimator=dict(type='KLSoftmaxMI', temperature=0.05),
            max_estimator=dict(type='KLSoftmaxMI', temperature=0.05),
            group_weights=dict(motion=1.0, modal=1.0, reg=1.0))))
