# Does a proper variational upper bound (vCLUB) for the minimised MI terms
# change the result of the authors' softmax-KL surrogate? (our addition)
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

model = dict(
    head=dict(mi_loss=dict(min_estimator=dict(_delete_=True, type='CLUBMI'))))
