# The temporal-difference encoder alone (paper ablation: TDE without RDM):
# the raw motion M goes to the head unweighted (RDM mode 'identity': M_u = M,
# no MLP), the appearance path is the key frame's own feature F^4_t (no
# support-frame alignment), and no MI terms (nothing for them to separate).
# The head still fuses M with F^4_t: without the key frame's feature it
# would have no appearance to place the joints on.
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

model = dict(
    disentangler=dict(mode='identity', noisy_branch=False),
    appearance=dict(mode='keyframe'),
    head=dict(mi_loss=None))
