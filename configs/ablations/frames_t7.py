# How does the number of frames matter: T = 7 instead of 5?
# (paper ablation: number of frames)
_base_ = ['../tdmi_hrnet_w48_posetrack17.py']

frame_offsets = (-3, -2, -1, 0, 1, 2, 3)

model = dict(num_frames=7)
train_dataloader = dict(dataset=dict(frame_offsets=frame_offsets))
val_dataloader = dict(dataset=dict(frame_offsets=frame_offsets))
test_dataloader = val_dataloader
