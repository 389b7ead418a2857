# Does a proper variational upper bound (vCLUB) for the minimised MI terms
# change the result of the lineage's softmax-KL surrogate? (our addition)
_base_ = ['./with_authors_mi_losses.py']

model = dict(
    head=dict(mi_loss=dict(min_estimator=dict(_delete_=True, type='CLUBMI'))))
