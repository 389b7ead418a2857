# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""A small synthetic PoseTrack-format video set: the embedded default data.

Articulated human-like figures (17 PoseTrack18 keypoints, limbs drawn as
thick lines, a torso and a head) walk with swinging limbs over a textured
background that pans; several people overlap and occlude each other (drawn
back to front); some key frames are degraded by motion blur or an occluding
patch, so that the neighbouring frames carry information the key frame
lacks.

Written like the real data (``posetrack18_sample``)::

    <root>/images/<split>/<seq>/<frame:06d>.jpg        PoseTrack18 naming
    <root>/annotations/<split>/<seq>.json              per-sequence, PT18
    <root>/annotations/posetrack18_<split>.json        merged, PT18
    <root>/annotations_pt17/<split>/<seq>.json         PoseTrack17 annolist
    <root>/detections/posetrack18_<split>_detections.json
                                 person boxes in MMPose's format, with noise,
                                 misses and false positives

Ground truth: ``bbox`` (x, y, w, h) from the keypoints, ``bbox_head``,
``track_id``, one ignore region per sequence, ``is_labeled`` (some frames
are not), keypoints outside the image are absent ([0, 0, 0]). Every image
entry says how the frame was degraded: ``"degraded"`` is ``"blur"``,
``"occluder"`` (a patch covers part of a person) or null, so that
evaluation can select these frames (``PoseTrackMetric(frame_subsets=...)``,
``tools/misc/eval_posetrack.py --where degraded=blur``). Deterministic from the
seed.

Motion that is not the people's, the "irrelevant motion" TDMI's
mutual-information terms exist to separate, is off by default (the set
then is exactly what these arguments always wrote) and switched on by:

- ``background_objects``: shapes moving over the background on their own
  paths (limb-like bars that rotate, and blobs), under the people;
- ``camera_shake``: the whole frame (background, objects, people and their
  annotations) jitters by a random offset of this standard deviation in
  pixels, redrawn every frame;
- ``passers_by``: unannotated figures crossing the frame fast, drawn in
  depth order with the annotated people (so they pass in front of and
  behind them); the detection file does not box them, so they act on the
  crops and the clips, not as unmatched detections.

These draw from a random stream of their own: with objects and
passers-by the annotated people, boxes, detections and degradations are
those of the set without them; camera shake moves them with the frame. A
labelled frame in which a moving object or a passer-by covers more than a
tenth of an annotated person's box says so in its image entry:
``"nuisance"`` is ``"passer_by"`` (first) or ``"object"``; the field is
absent when all three options are off.
"""
import json
import os
import os.path as osp
from typing import Dict, List, Tuple

import cv2
import numpy as np

from tdmi_mmpose.posetrack_format import PT18_KEYPOINTS, pt18_name_to_joint

__all__ = [
    'generate_synthetic_posetrack', 'ensure_synthetic_set', 'SKELETON',
    'NUISANCE'
]

# the irrelevant motion of the demo's and the benchmark's sets
NUISANCE = dict(background_objects=3, camera_shake=1.5, passers_by=1)
# the generator's arguments, written with every set
RECORD = 'generator.json'

_IDX = {name: i for i, name in enumerate(PT18_KEYPOINTS)}
# limbs drawn as lines, by PT18 keypoint names
SKELETON = [('left_shoulder', 'left_elbow'), ('left_elbow', 'left_wrist'),
            ('right_shoulder', 'right_elbow'), ('right_elbow', 'right_wrist'),
            ('left_hip', 'left_knee'), ('left_knee', 'left_ankle'),
            ('right_hip', 'right_knee'), ('right_knee', 'right_ankle'),
            ('head_bottom', 'nose'), ('nose', 'head_top')]
_TORSO = ('left_shoulder', 'right_shoulder', 'right_hip', 'left_hip')


def _texture(rng: np.random.RandomState, h: int, w: int) -> np.ndarray:
    """A smooth random colour texture (gratings and blobs), uint8 BGR."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.zeros((h, w, 3), np.float32)
    for _ in range(6):
        fx, fy = rng.uniform(-0.08, 0.08, 2)
        phase = rng.uniform(0, 2 * np.pi)
        img += np.sin(fx * xx + fy * yy + phase)[..., None] * \
            rng.uniform(10, 40, 3)
    for _ in range(25):
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(5, 30)
        cv2.circle(img, (int(cx), int(cy)), int(r),
                   rng.uniform(-60, 60, 3).tolist(), -1)
    img += rng.uniform(60, 190, 3)
    return np.clip(img, 0, 255).astype(np.uint8)


class _Walker:
    """One person: a centre moving smoothly, limbs swinging."""

    def __init__(self, rng, width, height, track_id):
        self.track_id = track_id
        self.scale = rng.uniform(0.22, 0.34) * height  # body height
        self.pos = np.array(
            [rng.uniform(0.2, 0.8) * width,
             rng.uniform(0.45, 0.7) * height])
        self.vel = rng.uniform(-2.5, 2.5, 2) * np.array([1.0, 0.3])
        self.phase = rng.uniform(0, 2 * np.pi)
        self.freq = rng.uniform(0.25, 0.45)
        self.colour = rng.randint(30, 230, 3).tolist()
        self.size = (width, height)

    def step(self) -> None:
        self.pos += self.vel
        w, h = self.size
        for d, limit in ((0, w), (1, h)):
            if not 0.1 * limit < self.pos[d] < 0.9 * limit:
                self.vel[d] *= -1

    def keypoints(self, t: int) -> np.ndarray:
        """(17, 2) keypoints at frame t, PT18 order."""
        s, (cx, cy) = self.scale, self.pos
        swing = np.sin(self.phase + self.freq * t)
        k = np.zeros((17, 2))

        def put(name, x, y):
            k[_IDX[name]] = (cx + x * s, cy + y * s)

        put('head_top', 0, -0.62)
        put('nose', 0.02, -0.52)
        put('head_bottom', 0, -0.44)
        put('left_ear', 0.05, -0.53)
        put('right_ear', -0.05, -0.53)
        put('left_shoulder', 0.12, -0.38)
        put('right_shoulder', -0.12, -0.38)
        put('left_hip', 0.08, 0.0)
        put('right_hip', -0.08, 0.0)
        for side, sign in (('left', 1), ('right', -1)):
            arm = 0.35 * swing * sign
            leg = -0.45 * swing * sign
            sx, sy = k[_IDX[f'{side}_shoulder']]
            ex, ey = sx + 0.2 * s * np.sin(arm), sy + 0.2 * s * np.cos(arm)
            k[_IDX[f'{side}_elbow']] = (ex, ey)
            k[_IDX[f'{side}_wrist']] = (ex + 0.18 * s * np.sin(1.4 * arm),
                                        ey + 0.18 * s * np.cos(1.4 * arm))
            hx, hy = k[_IDX[f'{side}_hip']]
            kx, ky = hx + 0.24 * s * np.sin(leg), hy + 0.24 * s * np.cos(leg)
            k[_IDX[f'{side}_knee']] = (kx, ky)
            k[_IDX[f'{side}_ankle']] = (kx + 0.24 * s * np.sin(0.5 * leg),
                                        ky + 0.24 * s * np.cos(0.5 * leg))
        return k

    def draw(self, img: np.ndarray, k: np.ndarray) -> None:
        thick = max(2, int(self.scale * 0.06))
        torso = np.array([k[_IDX[n]] for n in _TORSO], np.int32)
        cv2.fillPoly(img, [torso], self.colour)
        dark = [int(c * 0.6) for c in self.colour]
        for a, b in SKELETON:
            pa, pb = k[_IDX[a]], k[_IDX[b]]
            cv2.line(img, (int(pa[0]), int(pa[1])), (int(pb[0]), int(pb[1])),
                     dark, thick, cv2.LINE_AA)
        head = (k[_IDX['nose']] + k[_IDX['head_top']]) / 2
        cv2.circle(img, (int(head[0]), int(head[1])),
                   max(3, int(0.09 * self.scale)), self.colour, -1)


class _PasserBy(_Walker):
    """An unannotated figure crossing the frame fast; it re-enters at the
    other side instead of turning."""

    def __init__(self, rng, width, height, track_id):
        super().__init__(rng, width, height, track_id)
        self.scale *= rng.uniform(0.8, 1.1)
        self.vel = np.array(
            [rng.choice([-1, 1]) * rng.uniform(4, 7),
             rng.uniform(-0.5, 0.5)])
        self.pos[0] = rng.uniform(0, width)

    def step(self) -> None:
        self.pos += self.vel
        w, h = self.size
        margin = 0.3 * self.scale
        if self.pos[0] < -margin:
            self.pos[0] = w + margin
        elif self.pos[0] > w + margin:
            self.pos[0] = -margin
        if not 0.35 * h < self.pos[1] < 0.8 * h:
            self.vel[1] *= -1


class _MovingObject:
    """A background object on its own path: a limb-like bar that rotates or
    a blob, bouncing inside the frame."""

    def __init__(self, rng, width, height):
        self.bar = rng.uniform() < 0.6
        self.size = rng.uniform(0.08, 0.18) * height
        self.pos = np.array([rng.uniform(0, width), rng.uniform(0, height)])
        self.vel = rng.uniform(-4, 4, 2)
        self.angle = rng.uniform(0, np.pi)
        self.spin = rng.uniform(-0.3, 0.3)
        self.colour = rng.randint(20, 235, 3).tolist()
        self.limits = (width, height)

    def step(self) -> None:
        self.pos += self.vel
        self.angle += self.spin
        for d in (0, 1):
            if not 0 <= self.pos[d] <= self.limits[d]:
                self.vel[d] *= -1

    def draw(self, img: np.ndarray, offset: np.ndarray) -> np.ndarray:
        """Draws the object; returns its box (x, y, w, h)."""
        cx, cy = self.pos + offset
        if self.bar:
            dx = 0.5 * self.size * np.cos(self.angle)
            dy = 0.5 * self.size * np.sin(self.angle)
            thick = max(2, int(0.18 * self.size))
            cv2.line(img, (int(cx - dx), int(cy - dy)),
                     (int(cx + dx), int(cy + dy)), self.colour, thick,
                     cv2.LINE_AA)
            half = np.abs([dx, dy]) + thick / 2
        else:
            axes = (int(0.5 * self.size), int(0.3 * self.size))
            cv2.ellipse(img, (int(cx), int(cy)), axes,
                        float(np.degrees(self.angle)), 0, 360, self.colour, -1)
            half = np.array([axes[0], axes[0]], float)
        return np.array([cx - half[0], cy - half[1], 2 * half[0], 2 * half[1]])


def _covered(box: np.ndarray, other: np.ndarray) -> float:
    """The fraction of ``box`` (x, y, w, h) that ``other`` covers."""
    w = min(box[0] + box[2], other[0] + other[2]) - max(box[0], other[0])
    h = min(box[1] + box[3], other[1] + other[3]) - max(box[1], other[1])
    return max(w, 0) * max(h, 0) / max(box[2] * box[3], 1e-9)


def _nuisance_kind(kind, box, passer_boxes, object_boxes):
    """The frame's nuisance label after looking at one more person box: a
    passer-by over a tenth of a box wins over a moving object."""
    if any(_covered(box, o) > 0.1 for o in passer_boxes):
        return 'passer_by'
    if kind is None and any(_covered(box, o) > 0.1 for o in object_boxes):
        return 'object'
    return kind


def _person_box(k: np.ndarray, scale: float) -> np.ndarray:
    x0, y0 = k.min(0) - 0.08 * scale
    x1, y1 = k.max(0) + 0.08 * scale
    return np.array([x0, y0, x1 - x0, y1 - y0])


def _degrade(rng, img: np.ndarray, boxes: List[np.ndarray]) -> str:
    """Motion-blur the frame or cover part of a person; returns the kind."""
    if rng.uniform() < 0.5 or not boxes:
        length = rng.randint(9, 17)
        kernel = np.zeros((length, length), np.float32)
        angle = rng.uniform(0, np.pi)
        c = length // 2
        dx, dy = np.cos(angle) * c, np.sin(angle) * c
        cv2.line(kernel, (int(c - dx), int(c - dy)),
                 (int(c + dx), int(c + dy)), 1.0, 1)
        img[:] = cv2.filter2D(img, -1, kernel / kernel.sum())
        return 'blur'
    x, y, w, h = boxes[rng.randint(len(boxes))]
    ox, oy = x + rng.uniform(0, 0.5) * w, y + rng.uniform(0, 0.5) * h
    cv2.rectangle(img, (int(ox), int(oy)),
                  (int(ox + 0.6 * w), int(oy + 0.45 * h)),
                  rng.randint(0, 255, 3).tolist(), -1)
    return 'occluder'


def _pt17_file(images: List[dict], anns: List[dict]) -> dict:
    by_image: Dict[int, List[dict]] = {im['id']: [] for im in images}
    for ann in anns:
        by_image[ann['image_id']].append(ann)
    annolist = []
    for im in images:
        rects = []
        for ann in by_image[im['id']]:
            kpts = np.asarray(ann['keypoints']).reshape(17, 3)
            points = [
                dict(
                    id=[pt18_name_to_joint(name)],
                    x=[float(x)],
                    y=[float(y)],
                    is_visible=[1])
                for name, (x, y, v) in zip(PT18_KEYPOINTS, kpts)
                if v > 0 and pt18_name_to_joint(name) >= 0
            ]
            hx, hy, hw, hh = ann['bbox_head']
            rects.append(
                dict(
                    track_id=[ann['track_id']],
                    annopoints=[dict(point=points)],
                    x1=[hx],
                    y1=[hy],
                    x2=[hx + hw],
                    y2=[hy + hh]))
        regions = [
            dict(point=[dict(x=[x], y=[y]) for x, y in zip(xs, ys)])
            for xs, ys in zip(im['ignore_regions_x'], im['ignore_regions_y'])
        ]
        annolist.append(
            dict(
                image=[dict(name=im['file_name'])],
                annorect=rects,
                ignore_regions=regions,
                is_labeled=[int(im['is_labeled'])]))
    return dict(annolist=annolist)


# what generate_synthetic_posetrack writes under its root
_OUTPUTS = ('images', 'annotations', 'annotations_pt17', 'detections')


def _prepare_root(root: str, overwrite: bool) -> None:
    if osp.isfile(root):
        raise ValueError(f'{root} is a file; the synthetic set needs a '
                         f'folder')
    if not osp.isdir(root) or not os.listdir(root):
        return
    if not overwrite:
        raise FileExistsError(
            f'{root} is not empty ({sorted(os.listdir(root))[:5]}): writing '
            f'the synthetic set there would overwrite files and mix videos; '
            f'choose an empty folder or pass overwrite=True (--overwrite), '
            f'which first removes {list(_OUTPUTS) + [RECORD]} there')
    import shutil
    for name in _OUTPUTS:
        path = osp.join(root, name)
        if osp.isdir(path):
            shutil.rmtree(path)
    if osp.isfile(osp.join(root, RECORD)):
        os.remove(osp.join(root, RECORD))


def generate_synthetic_posetrack(root: str,
                                 splits: Dict[str, int] = None,
                                 num_frames: int = 24,
                                 image_size: Tuple[int, int] = (320, 240),
                                 people: Tuple[int, int] = (2, 3),
                                 degrade_prob: float = 0.3,
                                 seed: int = 0,
                                 overwrite: bool = False,
                                 background_objects: int = 0,
                                 camera_shake: float = 0.0,
                                 passers_by: int = 0) -> Dict[str, List[str]]:
    """Write the synthetic set under ``root``.

    Args:
        root: output folder (created).
        splits: videos per split. Defaults to ``{'train': 6, 'val': 3}``.
        num_frames: frames per video.
        image_size: (width, height).
        people: (min, max) people per video.
        degrade_prob: probability that a labelled frame is degraded.
        seed: random seed; the output is a function of the arguments.
        overwrite: a ``root`` that is not empty is refused (its files
            would be overwritten and videos of two sets mixed) unless True;
            then the folders this function writes are removed first.
        background_objects: moving background objects per video.
        camera_shake: standard deviation (pixels) of the whole frame's
            jitter, redrawn every frame.
        passers_by: unannotated figures crossing each video.

    Returns:
        dict: split -> the sequence names written.
    """
    splits = dict(train=6, val=3) if splits is None else splits
    record = _record(splits, num_frames, image_size, people, degrade_prob,
                     seed, background_objects, camera_shake, passers_by)
    _prepare_root(root, overwrite)
    if num_frames < 2 or min(image_size) < 32 or people[0] < 1 or \
            people[1] < people[0]:
        raise ValueError('need num_frames >= 2, an image of at least 32 '
                         'pixels and 1 <= people[0] <= people[1]')
    if background_objects < 0 or passers_by < 0 or not camera_shake >= 0:
        raise ValueError(
            f'background_objects and passers_by must be >= 0 and '
            f'camera_shake a number >= 0, got {background_objects}, '
            f'{passers_by}, {camera_shake}')
    nuisance = bool(background_objects or passers_by or camera_shake)
    rng = np.random.RandomState(seed)
    width, height = image_size
    categories = [
        dict(
            id=1,
            name='person',
            supercategory='person',
            keypoints=list(PT18_KEYPOINTS),
            skeleton=[])
    ]
    written: Dict[str, List[str]] = {}
    for split_i, (split, num_videos) in enumerate(sorted(splits.items())):
        merged_images, merged_anns, detections = [], [], []
        written[split] = []
        for v in range(num_videos):
            vid = 100000 * (split_i + 1) + v
            seq = f'{vid:06d}_synth'
            written[split].append(seq)
            img_dir = osp.join(root, 'images', split, seq)
            os.makedirs(img_dir, exist_ok=True)
            background = _texture(rng, height * 2, width * 2)
            pan = rng.uniform(-2, 2, 2)
            walkers = [
                _Walker(rng, width, height, t)
                for t in range(rng.randint(people[0], people[1] + 1))
            ]
            # the nuisances' own stream: the rest is the set without them
            nrng = np.random.RandomState([seed, split_i, v])
            objects = [
                _MovingObject(nrng, width, height)
                for _ in range(background_objects)
            ]
            passers = [
                _PasserBy(nrng, width, height, -1 - i)
                for i in range(passers_by)
            ]
            region_x = [0, 40, 40, 0]
            region_y = [0, 0, 30, 30]
            images, anns = [], []
            for f in range(num_frames):
                shake = np.zeros(2)
                if camera_shake:
                    shake = np.clip(
                        nrng.normal(0, camera_shake, 2), -3 * camera_shake,
                        3 * camera_shake).round()
                ox = int(width / 2 + pan[0] * f - shake[0]) % width
                oy = int(height / 2 + pan[1] * f - shake[1]) % height
                frame = background[oy:oy + height, ox:ox + width].copy()
                object_boxes = []
                for thing in objects:
                    thing.step()
                    object_boxes.append(thing.draw(frame, shake))
                labeled = f % 4 != 3  # some frames are not annotated
                image_id = int(f'1{vid:06d}{f:04d}')
                image = dict(
                    id=image_id,
                    frame_id=image_id,
                    vid_id=f'{vid:06d}',
                    file_name=f'images/{split}/{seq}/{f:06d}.jpg',
                    nframes=num_frames,
                    is_labeled=labeled,
                    has_no_densepose=True,
                    width=width,
                    height=height,
                    ignore_regions_x=[region_x],
                    ignore_regions_y=[region_y],
                    degraded=None)
                people_now = []
                for walker in walkers:
                    walker.step()
                    people_now.append((walker, walker.keypoints(f) + shake))
                passer_boxes = []
                for passer in passers:
                    passer.step()
                    k = passer.keypoints(f) + shake
                    people_now.append((passer, k))
                    passer_boxes.append(_person_box(k, passer.scale))
                # back to front: the lower a person's feet, the nearer
                people_now.sort(key=lambda wk: wk[1][:, 1].max())
                boxes = []
                if nuisance:
                    image['nuisance'] = None
                for walker, k in people_now:
                    walker.draw(frame, k)
                    if walker.track_id < 0:  # a passer-by: not annotated
                        continue
                    inside = (k[:, 0] >= 0) & (k[:, 0] < width) & \
                        (k[:, 1] >= 0) & (k[:, 1] < height)
                    if inside.sum() < 3:
                        continue
                    box = _person_box(k[inside], walker.scale)
                    boxes.append(box)
                    if labeled and nuisance:
                        image['nuisance'] = _nuisance_kind(
                            image['nuisance'], box, passer_boxes, object_boxes)
                    kpts = np.concatenate([k, np.ones((17, 1))], 1)
                    kpts[~inside] = 0
                    head = k[_IDX['head_top']]
                    neck = k[_IDX['head_bottom']]
                    hs = 0.2 * walker.scale
                    if labeled:
                        anns.append(
                            dict(
                                id=image_id * 100 + walker.track_id,
                                image_id=image_id,
                                category_id=1,
                                track_id=walker.track_id,
                                iscrowd=False,
                                bbox=box.round(2).tolist(),
                                bbox_head=[
                                    float(head[0] - hs / 2),
                                    float(head[1]),
                                    float(hs),
                                    float(neck[1] - head[1])
                                ],
                                keypoints=kpts.round(2).ravel().tolist(),
                                num_keypoints=int(inside.sum()),
                                scores=[]))
                    if rng.uniform() > 0.1:  # the detector misses 10 %
                        noisy = box + rng.normal(0, 0.04, 4) * np.array(
                            [box[2], box[3], box[2], box[3]])
                        detections.append(
                            dict(
                                image_id=image_id,
                                category_id=1,
                                bbox=noisy.round(2).tolist(),
                                score=float(rng.uniform(0.5, 1.0))))
                if rng.uniform() < 0.15:  # a false detection
                    detections.append(
                        dict(
                            image_id=image_id,
                            category_id=1,
                            bbox=[
                                float(rng.uniform(0, width / 2)),
                                float(rng.uniform(0, height / 2)),
                                float(width / 4),
                                float(height / 3)
                            ],
                            score=float(rng.uniform(0.05, 0.4))))
                if labeled and rng.uniform() < degrade_prob:
                    image['degraded'] = _degrade(rng, frame, boxes)
                cv2.imwrite(
                    osp.join(img_dir, f'{f:06d}.jpg'), frame,
                    [cv2.IMWRITE_JPEG_QUALITY, 90])
                images.append(image)
            _dump(
                osp.join(root, 'annotations', split, f'{seq}.json'),
                dict(images=images, annotations=anns, categories=categories))
            _dump(
                osp.join(root, 'annotations_pt17', split, f'{seq}.json'),
                _pt17_file(images, anns))
            merged_images += images
            merged_anns += anns
        _dump(
            osp.join(root, 'annotations', f'posetrack18_{split}.json'),
            dict(
                images=merged_images,
                annotations=merged_anns,
                categories=categories))
        _dump(
            osp.join(root, 'detections',
                     f'posetrack18_{split}_detections.json'), detections)
    _dump(osp.join(root, RECORD), record)
    return written


def _record(splits, num_frames, image_size, people, degrade_prob, seed,
            background_objects, camera_shake, passers_by) -> dict:
    """The arguments that make a set, as JSON values."""
    return dict(
        splits=dict(sorted(splits.items())),
        num_frames=num_frames,
        image_size=list(image_size),
        people=list(people),
        degrade_prob=degrade_prob,
        seed=seed,
        background_objects=background_objects,
        camera_shake=camera_shake,
        passers_by=passers_by)


def ensure_synthetic_set(root: str, **kwargs) -> bool:
    """Generate the set of ``kwargs`` (``generate_synthetic_posetrack``'s
    arguments) under ``root`` unless it is there; returns True if it was
    generated. A set made with other arguments (``<root>/generator.json``),
    or a folder with files but no record, is refused: its figures would
    not be those of the asked set."""
    defaults = dict(
        splits=dict(train=6, val=3),
        num_frames=24,
        image_size=(320, 240),
        people=(2, 3),
        degrade_prob=0.3,
        seed=0,
        background_objects=0,
        camera_shake=0.0,
        passers_by=0)
    unknown = set(kwargs) - set(defaults)
    if unknown:
        raise TypeError(f'unknown generator arguments {sorted(unknown)}')
    wanted = _record(**dict(defaults, **kwargs))
    path = osp.join(root, RECORD)
    if osp.isfile(path):
        with open(path) as f:
            found = json.load(f)
        if found != wanted:
            raise ValueError(
                f'{path}: the set in {root} was generated with {found}, not '
                f'the asked {wanted}; remove the folder or choose another')
        return False
    if osp.isdir(root) and os.listdir(root):
        raise ValueError(
            f'{root} holds files but no {RECORD}: it is not a set this '
            f'generator made with known arguments; remove the folder or '
            f'choose another')
    generate_synthetic_posetrack(root, **kwargs)
    return True


def _dump(path: str, data) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(data, f)
