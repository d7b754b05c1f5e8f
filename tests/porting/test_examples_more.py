"""Porting tests: more programs from pytorch/examples (DCGAN, super-resolution, REINFORCE and
actor-critic, a siamese network, the fast-neural-style transformer), written as the originals
are with small sizes and random data in place of datasets, gym and torchvision; only the
import differs. Each runs on tinygrad_nn (trains) and on both libraries from the same weights
(same losses)."""

# the programs keep the originals' spellings: super(Class, self), '%' formats, unused loop names
# ruff: noqa: UP008, UP031, UP034, B007

from __future__ import annotations

import io
import re
from collections import deque, namedtuple
from typing import Any

import numpy as np
import pytest

from .porting_helpers import (
    compare_with_torch,
    decreased,
    dtype_name,
    load_arrays,
    run_ours,
    state_arrays,
)


def dcgan(torch: Any, steps: int = 4, deterministic: bool = False, init: dict | None = None,
          legacy: bool = False) -> dict[str, Any]:
    """dcgan/main.py: the Generator / Discriminator pair, weights_init through .apply, BCELoss,
    Adam(betas=(0.5, 0.999)), the fake.detach() step for D and the label.fill_ for G.
    ``legacy``: the program's earlier spellings (weights_init on ``m.weight.data``, buffers made
    with ``torch.FloatTensor(...)`` and refilled through ``.data.resize_(...)``, Variable)."""
    nn, optim = torch.nn, torch.optim
    torch.manual_seed(999)
    device = torch.device("cpu")
    ngpu, nz, ngf, ndf, nc, image_size, batch = 1, 8, 4, 4, 3, 64, 4

    def weights_init(m: Any) -> None:
        classname = m.__class__.__name__
        if legacy and classname.find('Conv') != -1:
            m.weight.data.normal_(0.0, 0.02)
        elif legacy and classname.find('BatchNorm') != -1:
            nn.init.normal_(m.weight.data, 1.0, 0.02)
            nn.init.constant_(m.bias.data, 0)
        elif classname.find('Conv') != -1:
            torch.nn.init.normal_(m.weight, 0.0, 0.02)
        elif classname.find('BatchNorm') != -1:
            torch.nn.init.normal_(m.weight, 1.0, 0.02)
            torch.nn.init.zeros_(m.bias)

    class Generator(nn.Module):
        def __init__(self, ngpu: int) -> None:
            super(Generator, self).__init__()
            self.ngpu = ngpu
            self.main = nn.Sequential(
                nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False),
                nn.BatchNorm2d(ngf * 8),
                nn.ReLU(True),
                nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, bias=False),
                nn.BatchNorm2d(ngf * 4),
                nn.ReLU(True),
                nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False),
                nn.BatchNorm2d(ngf * 2),
                nn.ReLU(True),
                nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False),
                nn.BatchNorm2d(ngf),
                nn.ReLU(True),
                nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False),
                nn.Tanh()
            )

        def forward(self, input: Any) -> Any:
            if input.is_cuda and self.ngpu > 1:
                output = nn.parallel.data_parallel(self.main, input, range(self.ngpu))
            else:
                output = self.main(input)
            return output

    class Discriminator(nn.Module):
        def __init__(self, ngpu: int) -> None:
            super(Discriminator, self).__init__()
            self.ngpu = ngpu
            self.main = nn.Sequential(
                nn.Conv2d(nc, ndf, 4, 2, 1, bias=False),
                nn.LeakyReLU(0.2, inplace=True),
                nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),
                nn.BatchNorm2d(ndf * 2),
                nn.LeakyReLU(0.2, inplace=True),
                nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias=False),
                nn.BatchNorm2d(ndf * 4),
                nn.LeakyReLU(0.2, inplace=True),
                nn.Conv2d(ndf * 4, ndf * 8, 4, 2, 1, bias=False),
                nn.BatchNorm2d(ndf * 8),
                nn.LeakyReLU(0.2, inplace=True),
                nn.Conv2d(ndf * 8, 1, 4, 1, 0, bias=False),
                nn.Sigmoid()
            )

        def forward(self, input: Any) -> Any:
            if input.is_cuda and self.ngpu > 1:
                output = nn.parallel.data_parallel(self.main, input, range(self.ngpu))
            else:
                output = self.main(input)
            return output.view(-1, 1).squeeze(1)

    netG = Generator(ngpu).to(device)
    netG.apply(weights_init)
    netD = Discriminator(ngpu).to(device)
    netD.apply(weights_init)
    bn = netG.main[1]
    init_spread = {"bn_weight_mean": round(float(bn.weight.mean().item()), 1),
                   "bn_bias_zero": bool((bn.bias == 0).all().item()),
                   "conv_std_small": float(netD.main[0].weight.std().item()) < 0.05}
    load_arrays(torch, netG, None if init is None else init["G"])
    load_arrays(torch, netD, None if init is None else init["D"])
    init_state = {"G": state_arrays(netG), "D": state_arrays(netD)}
    criterion = nn.BCELoss()

    rng = np.random.default_rng(5)

    def randn(*size: int) -> Any:  # torch.randn(..., device=device) in the original
        if deterministic:
            return torch.tensor(rng.standard_normal(size).astype(np.float32), device=device)
        return torch.randn(*size, device=device)

    fixed_noise = randn(batch, nz, 1, 1)
    real_label = 1
    fake_label = 0
    optimizerD = optim.Adam(netD.parameters(), lr=0.0002 * 10, betas=(0.5, 0.999))
    optimizerG = optim.Adam(netG.parameters(), lr=0.0002 * 10, betas=(0.5, 0.999))
    # a "dataset" of smooth images in [-1, 1], as transforms.Normalize((0.5,)*3, (0.5,)*3) gives
    grid = np.linspace(-1, 1, image_size, dtype=np.float32)
    base = np.tanh(np.sin(3 * grid)[:, None] * np.cos(2 * grid)[None, :])
    real = np.stack([base * s for s in (1.0, 0.8, 0.6)])[None].repeat(batch, 0)
    dataloader = [(torch.tensor(real.astype(np.float32)), torch.zeros(batch))] * steps

    if legacy:
        Variable = torch.autograd.Variable
        input = Variable(torch.FloatTensor(batch, 3, image_size, image_size))
        noise = Variable(torch.FloatTensor(batch, nz, 1, 1))
        label = Variable(torch.FloatTensor(batch))
    losses, records = [], []
    for i, data in enumerate(dataloader, 0):
        if legacy:
            netD.zero_grad()
            real_cpu, _ = data
            batch_size = real_cpu.size(0)
            input.data.resize_(real_cpu.size()).copy_(real_cpu)
            label.data.resize_(batch_size).fill_(real_label)
            output = netD(input)
            errD_real = criterion(output, label)
            errD_real.backward()
            D_x = output.data.mean()
            noise.data.resize_(batch_size, nz, 1, 1)
            noise.data.normal_(0, 1)
            if deterministic:
                noise.data.copy_(randn(batch_size, nz, 1, 1))
            fake = netG(noise)
            label.data.fill_(fake_label)
            output = netD(fake.detach())
            errD_fake = criterion(output, label)
            errD_fake.backward()
            D_G_z1 = output.data.mean()
            errD = errD_real + errD_fake
            optimizerD.step()
            netG.zero_grad()
            label.data.fill_(real_label)
            output = netD(fake)
            errG = criterion(output, label)
            errG.backward()
            D_G_z2 = output.data.mean()
            optimizerG.step()
            losses += [errD.item(), errG.item(), D_x.item(), D_G_z1.item(), D_G_z2.item()]
            records.append('[%d/%d][%d/%d] Loss_D: %.4f Loss_G: %.4f D(x): %.4f D(G(z)): %.4f'
                           ' / %.4f' % (0, 1, i, len(dataloader), errD.item(), errG.item(),
                                        D_x, D_G_z1, D_G_z2))
            continue
        netD.zero_grad()
        real_cpu = data[0].to(device)
        batch_size = real_cpu.size(0)
        label = torch.full((batch_size,), real_label,
                           dtype=real_cpu.dtype, device=device)

        output = netD(real_cpu)
        errD_real = criterion(output, label)
        errD_real.backward()
        D_x = output.mean().item()

        noise = randn(batch_size, nz, 1, 1)
        fake = netG(noise)
        label.fill_(fake_label)
        output = netD(fake.detach())
        errD_fake = criterion(output, label)
        errD_fake.backward()
        D_G_z1 = output.mean().item()
        errD = errD_real + errD_fake
        optimizerD.step()

        netG.zero_grad()
        label.fill_(real_label)  # fake labels are real for generator cost
        output = netD(fake)
        errG = criterion(output, label)
        errG.backward()
        D_G_z2 = output.mean().item()
        optimizerG.step()

        losses += [errD.item(), errG.item(), D_x, D_G_z1, D_G_z2]
        records.append('[%d/%d][%d/%d] Loss_D: %.4f Loss_G: %.4f D(x): %.4f D(G(z)): %.4f / %.4f'
                       % (0, 1, i, len(dataloader),
                          errD.item(), errG.item(), D_x, D_G_z1, D_G_z2))
    fake = netG(fixed_noise)
    sample = fake.detach()
    return {"losses": losses, "init": init_state, "init_spread": init_spread,
            "printed": str(netG) + str(netD),  # print(netG), print(netD)
            "fake_shape": tuple(sample.shape), "fake_dtype": dtype_name(sample.dtype),
            "fake_in_range": bool((sample.abs() <= 1).all().item()),
            "fake_requires_grad": (fake.requires_grad, sample.requires_grad),
            "label": (dtype_name(label.dtype), tuple(label.shape), float(label.sum().item())),
            "record_fields": len(records[-1].split()),
            "D_x_type": type(D_x if not legacy else D_x.item()).__name__,
            "running_mean_moved": bool((netD.main[3].running_mean != 0).any().item())}


def super_resolution(torch: Any, steps: int = 12, deterministic: bool = False,
                     init: dict | None = None) -> dict[str, Any]:
    """super_resolution/model.py and main.py: four convolutions, PixelShuffle, orthogonal_
    initialisation with calculate_gain('relu'), MSELoss, Adam, the PSNR of the test pass."""
    nn, optim = torch.nn, torch.optim
    init_mod = torch.nn.init
    from math import log10
    torch.manual_seed(123)

    class Net(nn.Module):
        def __init__(self, upscale_factor: int) -> None:
            super(Net, self).__init__()

            self.relu = nn.ReLU()
            self.conv1 = nn.Conv2d(1, 64, (5, 5), (1, 1), (2, 2))
            self.conv2 = nn.Conv2d(64, 64, (3, 3), (1, 1), (1, 1))
            self.conv3 = nn.Conv2d(64, 32, (3, 3), (1, 1), (1, 1))
            self.conv4 = nn.Conv2d(32, upscale_factor ** 2, (3, 3), (1, 1), (1, 1))
            self.pixel_shuffle = nn.PixelShuffle(upscale_factor)

            self._initialize_weights()

        def forward(self, x: Any) -> Any:
            x = self.relu(self.conv1(x))
            x = self.relu(self.conv2(x))
            x = self.relu(self.conv3(x))
            x = self.pixel_shuffle(self.conv4(x))
            return x

        def _initialize_weights(self) -> None:
            init_mod.orthogonal_(self.conv1.weight, init_mod.calculate_gain('relu'))
            init_mod.orthogonal_(self.conv2.weight, init_mod.calculate_gain('relu'))
            init_mod.orthogonal_(self.conv3.weight, init_mod.calculate_gain('relu'))
            init_mod.orthogonal_(self.conv4.weight)

    upscale_factor = 3
    device = torch.device("cpu")
    model = Net(upscale_factor=upscale_factor).to(device)
    w = model.conv2.weight.detach().reshape(64, -1)
    gram = (w @ w.t()).numpy()
    orthogonal = bool(np.allclose(gram, 2.0 * np.eye(64), atol=1e-4))
    load_arrays(torch, model, init)
    init_state = state_arrays(model)
    criterion = nn.MSELoss()
    optimizer = optim.Adam(model.parameters(), lr=0.001)

    rng = np.random.default_rng(2)
    hi = np.cumsum(np.cumsum(rng.random((4, 1, 18, 18)), 2), 3).astype(np.float32)
    hi /= hi.max(axis=(2, 3), keepdims=True)
    lo = hi[:, :, 1::3, 1::3]  # the low-resolution input; the target is the full image
    loader = [(torch.tensor(lo[:2]), torch.tensor(hi[:2])), (torch.tensor(lo[2:]),
                                                              torch.tensor(hi[2:]))]
    losses = []
    for _ in range(steps // 2):
        epoch_loss = 0
        for iteration, batch in enumerate(loader, 1):
            input, target = batch[0].to(device), batch[1].to(device)

            optimizer.zero_grad()
            loss = criterion(model(input), target)
            epoch_loss += loss.item()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    avg_psnr = 0
    with torch.no_grad():
        for batch in loader:
            input, target = batch[0].to(device), batch[1].to(device)

            prediction = model(input)
            mse = criterion(prediction, target)
            psnr = 10 * log10(1 / mse.item())
            avg_psnr += psnr
    return {"losses": losses + [avg_psnr / len(loader)], "init": init_state,
            "orthogonal": orthogonal, "out_shape": tuple(prediction.shape),
            "out_dtype": dtype_name(prediction.dtype),
            "epoch_loss_type": type(epoch_loss).__name__}


def _fake_episode(seed: int, length: int = 12) -> tuple[list[np.ndarray], list[int], list[float]]:
    """States, actions and rewards of one CartPole-like episode (stands in for gym)."""
    rng = np.random.default_rng(seed)
    states = [rng.normal(0, 0.5, 4) for _ in range(length)]  # float64, as gym's
    actions = [int(a) for a in rng.integers(0, 2, length)]
    rewards = [1.0] * length
    return states, actions, rewards


def reinforce(torch: Any, episodes: int = 8, deterministic: bool = False,
              init: dict | None = None) -> dict[str, Any]:
    """reinforcement_learning/reinforce.py: Categorical(probs).sample()/log_prob, discounted
    returns in a deque normalised by (returns - mean) / (std + eps), torch.cat of the
    [1]-shaped losses. Deterministic mode takes the episode's recorded actions (the sampled
    ones differ between generators) and no dropout."""
    nn, F, optim = torch.nn, torch.nn.functional, torch.optim
    Categorical = torch.distributions.Categorical
    gamma = 0.99
    torch.manual_seed(543)

    class Policy(nn.Module):
        def __init__(self) -> None:
            super(Policy, self).__init__()
            self.affine1 = nn.Linear(4, 128)
            self.dropout = nn.Dropout(p=0.0 if deterministic else 0.6)
            self.affine2 = nn.Linear(128, 2)

            self.saved_log_probs = []
            self.rewards = []

        def forward(self, x: Any) -> Any:
            x = self.affine1(x)
            x = self.dropout(x)
            x = F.relu(x)
            action_scores = self.affine2(x)
            return F.softmax(action_scores, dim=1)

    policy = Policy()
    load_arrays(torch, policy, init)
    init_state = state_arrays(policy)
    optimizer = optim.Adam(policy.parameters(), lr=1e-2)
    eps = np.finfo(np.float32).eps.item()
    taken: list[int] = []

    def select_action(state: np.ndarray, recorded: int) -> int:
        state = torch.from_numpy(state).float().unsqueeze(0)
        probs = policy(state)
        m = Categorical(probs)
        action = torch.tensor([recorded]) if deterministic else m.sample()
        policy.saved_log_probs.append(m.log_prob(action))
        taken.append(action.item())
        return action.item()

    def finish_episode() -> float:
        R = 0
        policy_loss = []
        returns = deque()
        for r in policy.rewards[::-1]:
            R = r + gamma * R
            returns.appendleft(R)
        returns = torch.tensor(returns)
        returns = (returns - returns.mean()) / (returns.std() + eps)
        for log_prob, R in zip(policy.saved_log_probs, returns):
            policy_loss.append(-log_prob * R)
        optimizer.zero_grad()
        policy_loss = torch.cat(policy_loss).sum()
        policy_loss.backward()
        optimizer.step()
        del policy.rewards[:]
        del policy.saved_log_probs[:]
        return policy_loss.item()

    losses, log_probs = [], []
    running_reward = 10
    for i_episode in range(episodes):
        states, actions, rewards = _fake_episode(0)  # the same episode replayed
        ep_reward = 0
        for state, recorded, reward in zip(states, actions, rewards):
            select_action(state, recorded)
            policy.rewards.append(reward)
            ep_reward += reward
        log_probs.append(float(torch.cat(policy.saved_log_probs).sum().item()))
        running_reward = 0.05 * ep_reward + (1 - 0.05) * running_reward
        losses.append(finish_episode())
    return {"losses": losses + log_probs, "init": init_state,
            "actions_valid": set(taken) <= {0, 1}, "eps": eps,
            "running_reward": round(running_reward, 6)}


SavedAction = namedtuple('SavedAction', ['log_prob', 'value'])


def actor_critic(torch: Any, episodes: int = 8, deterministic: bool = False,
                 init: dict | None = None) -> dict[str, Any]:
    """reinforcement_learning/actor_critic.py: one body with an actor head (softmax) and a
    critic head, Categorical on a 1-d probs, SavedAction namedtuples, the advantage
    R - value.item(), F.smooth_l1_loss(value, torch.tensor([R])) with R a 0-d tensor, and
    torch.stack of the 0-d policy losses and the [1]-shaped value losses."""
    nn, F, optim = torch.nn, torch.nn.functional, torch.optim
    Categorical = torch.distributions.Categorical
    gamma = 0.99
    torch.manual_seed(543)

    class Policy(nn.Module):
        def __init__(self) -> None:
            super(Policy, self).__init__()
            self.affine1 = nn.Linear(4, 128)
            self.action_head = nn.Linear(128, 2)
            self.value_head = nn.Linear(128, 1)
            self.saved_actions = []
            self.rewards = []

        def forward(self, x: Any) -> tuple[Any, Any]:
            x = F.relu(self.affine1(x))
            action_prob = F.softmax(self.action_head(x), dim=-1)
            state_values = self.value_head(x)
            return action_prob, state_values

    model = Policy()
    load_arrays(torch, model, init)
    init_state = state_arrays(model)
    optimizer = optim.Adam(model.parameters(), lr=3e-2)
    eps = np.finfo(np.float32).eps.item()
    shapes: list[Any] = []

    def select_action(state: np.ndarray, recorded: int) -> int:
        state = torch.from_numpy(state).float()
        probs, state_value = model(state)
        m = Categorical(probs)
        action = torch.tensor(recorded) if deterministic else m.sample()
        model.saved_actions.append(SavedAction(m.log_prob(action), state_value))
        shapes.append((tuple(action.shape), dtype_name(action.dtype)))
        return action.item()

    def finish_episode() -> float:
        R = 0
        saved_actions = model.saved_actions
        policy_losses = []
        value_losses = []
        returns = []
        for r in model.rewards[::-1]:
            R = r + gamma * R
            returns.insert(0, R)
        returns = torch.tensor(returns)
        returns = (returns - returns.mean()) / (returns.std() + eps)
        for (log_prob, value), R in zip(saved_actions, returns):
            advantage = R - value.item()
            policy_losses.append(-log_prob * advantage)
            value_losses.append(F.smooth_l1_loss(value, torch.tensor([R])))
        optimizer.zero_grad()
        loss = torch.stack(policy_losses).sum() + torch.stack(value_losses).sum()
        loss.backward()
        optimizer.step()
        del model.rewards[:]
        del model.saved_actions[:]
        return loss.item()

    losses = []
    running_reward = 10
    for i_episode in range(episodes):
        states, actions, rewards = _fake_episode(1)  # the same episode replayed
        ep_reward = 0
        for state, recorded, reward in zip(states, actions, rewards):
            select_action(state, recorded)
            model.rewards.append(reward)
            ep_reward += reward
        running_reward = 0.05 * ep_reward + (1 - 0.05) * running_reward
        losses.append(finish_episode())
    return {"losses": losses, "init": init_state, "action": shapes[-1],
            "running_reward": round(running_reward, 6)}


def siamese_network(torch: Any, epochs: int = 3, deterministic: bool = False,
                    init: dict | None = None) -> dict[str, Any]:
    """siamese_network/main.py: one backbone run on both images (a ResNet-like stem standing in
    for torchvision's resnet18, its last layer dropped with list(children())[:-1]), torch.cat
    of the two features, an nn.Sequential head, Sigmoid, BCELoss, Adadelta, StepLR(gamma=0.7),
    a Dataset of (image_1, image_2, target) pairs through DataLoader, the torch.where test."""
    nn, optim = torch.nn, torch.optim
    Dataset, DataLoader = torch.utils.data.Dataset, torch.utils.data.DataLoader
    StepLR = torch.optim.lr_scheduler.StepLR
    torch.manual_seed(1)

    class Backbone(nn.Module):  # torchvision.models.resnet18's stem, then avgpool and fc
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(1, 8, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3),
                                   bias=False)
            self.bn1 = nn.BatchNorm2d(8)
            self.relu = nn.ReLU(inplace=True)
            self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
            self.layer1 = nn.Sequential(nn.Conv2d(8, 16, 3, 1, 1, bias=False),
                                        nn.BatchNorm2d(16), nn.ReLU(inplace=True))
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(16, 10)

    class SiameseNetwork(nn.Module):
        def __init__(self) -> None:
            super(SiameseNetwork, self).__init__()
            self.resnet = Backbone()
            self.fc_in_features = self.resnet.fc.in_features
            self.resnet = torch.nn.Sequential(*(list(self.resnet.children())[:-1]))
            self.fc = nn.Sequential(
                nn.Linear(self.fc_in_features * 2, 256),
                nn.ReLU(inplace=True),
                nn.Linear(256, 1),
            )
            self.sigmoid = nn.Sigmoid()
            self.resnet.apply(self.init_weights)
            self.fc.apply(self.init_weights)

        def init_weights(self, m: Any) -> None:
            if isinstance(m, nn.Linear):
                torch.nn.init.xavier_uniform(m.weight)  # (deprecated spelling)
                m.bias.data.fill_(0.01)

        def forward_once(self, x: Any) -> Any:
            output = self.resnet(x)
            output = output.view(output.size()[0], -1)
            return output

        def forward(self, input1: Any, input2: Any) -> Any:
            output1 = self.forward_once(input1)
            output2 = self.forward_once(input2)
            output = torch.cat((output1, output2), 1)
            output = self.fc(output)
            output = self.sigmoid(output)
            return output

    rng = np.random.default_rng(7)
    digits = rng.random((10, 16, 16)).astype(np.float32)  # one prototype "image" per class

    class APP_MATCHER(Dataset):
        def __init__(self, n: int, seed: int) -> None:
            super(APP_MATCHER, self).__init__()
            pick = np.random.default_rng(seed)
            labels = pick.integers(0, 10, n)
            noisy = digits[labels] + 0.1 * pick.standard_normal((n, 16, 16))
            self.data = torch.tensor((noisy * 255).astype(np.uint8)).unsqueeze(1).clone()
            self.targets = torch.tensor(labels)
            self.group_examples()
            self.pick = pick

        def group_examples(self) -> None:
            np_arr = np.array(self.targets.clone())
            self.grouped_examples = {}
            for i in range(0, 10):
                self.grouped_examples[i] = np.where((np_arr == i))[0]

        def __len__(self) -> int:
            return self.data.shape[0]

        def __getitem__(self, index: int) -> tuple[Any, Any, Any]:
            # a fixed pairing per index (the original draws with random.randint)
            pick = np.random.default_rng(index)
            selected_class = int(pick.integers(0, 10))
            group = self.grouped_examples[selected_class]
            image_1 = self.data[group[0]].clone().float() / 255
            if index % 2 == 0:
                image_2 = self.data[group[-1]].clone().float() / 255
                target = torch.tensor(1, dtype=torch.float)
            else:
                other = (selected_class + 1 + int(pick.integers(0, 9))) % 10
                image_2 = self.data[self.grouped_examples[other][0]].clone().float() / 255
                target = torch.tensor(0, dtype=torch.float)
            return image_1, image_2, target

    device = torch.device("cpu")
    train_loader = DataLoader(APP_MATCHER(200, 0), batch_size=8)
    test_loader = DataLoader(APP_MATCHER(200, 1), batch_size=16)
    model = SiameseNetwork().to(device)
    first_bias = float(model.fc[0].bias[0].item())
    load_arrays(torch, model, init)
    init_state = state_arrays(model)
    optimizer = optim.Adadelta(model.parameters(), lr=1.0)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.7)
    losses, lrs = [], []
    for epoch in range(1, epochs + 1):
        model.train()
        criterion = nn.BCELoss()
        for batch_idx, (images_1, images_2, targets) in enumerate(train_loader):
            images_1, images_2, targets = (images_1.to(device), images_2.to(device),
                                           targets.to(device))
            optimizer.zero_grad()
            outputs = model(images_1, images_2).squeeze()
            loss = criterion(outputs, targets)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            if batch_idx == 3:
                break
        model.eval()
        test_loss = 0
        correct = 0
        with torch.no_grad():
            for (images_1, images_2, targets) in test_loader:
                images_1, images_2, targets = (images_1.to(device), images_2.to(device),
                                               targets.to(device))
                outputs = model(images_1, images_2).squeeze()
                test_loss += criterion(outputs, targets).sum().item()
                pred = torch.where(outputs > 0.5, 1, 0)
                correct += pred.eq(targets.view_as(pred)).sum().item()
                break
        test_loss /= len(test_loader.dataset)
        losses.append(test_loss)
        scheduler.step()
        lrs.append(round(optimizer.param_groups[0]["lr"], 6))
    return {"losses": losses, "init": init_state, "lrs": lrs, "first_bias": first_bias,
            "pred": (dtype_name(pred.dtype), tuple(pred.shape)), "correct": correct,
            "batch": (tuple(images_1.shape), dtype_name(images_1.dtype),
                      tuple(targets.shape), dtype_name(targets.dtype))}


def fast_neural_style(torch: Any, steps: int = 4, deterministic: bool = False,
                      init: dict | None = None) -> dict[str, Any]:
    """fast_neural_style/neural_style/transformer_net.py (ReflectionPad2d, InstanceNorm2d with
    affine=True, residual blocks, Upsample(mode='nearest', scale_factor=2)) and utils.py's
    gram_matrix and normalize_batch; the style loss compares gram matrices of the transformed
    image (the original takes them from VGG features) with MSELoss, as neural_style.py does."""
    torch.manual_seed(42)
    widths = (4, 8, 8)  # the original's 32, 64, 128 channels, scaled down

    class TransformerNet(torch.nn.Module):
        def __init__(self) -> None:
            super(TransformerNet, self).__init__()
            a, b, c = widths
            self.conv1 = ConvLayer(3, a, kernel_size=9, stride=1)
            self.in1 = torch.nn.InstanceNorm2d(a, affine=True)
            self.conv2 = ConvLayer(a, b, kernel_size=3, stride=2)
            self.in2 = torch.nn.InstanceNorm2d(b, affine=True)
            self.conv3 = ConvLayer(b, c, kernel_size=3, stride=2)
            self.in3 = torch.nn.InstanceNorm2d(c, affine=True)
            self.res1 = ResidualBlock(c)
            self.res2 = ResidualBlock(c)
            self.res3 = ResidualBlock(c)
            self.res4 = ResidualBlock(c)
            self.res5 = ResidualBlock(c)
            self.deconv1 = UpsampleConvLayer(c, b, kernel_size=3, stride=1, upsample=2)
            self.in4 = torch.nn.InstanceNorm2d(b, affine=True)
            self.deconv2 = UpsampleConvLayer(b, a, kernel_size=3, stride=1, upsample=2)
            self.in5 = torch.nn.InstanceNorm2d(a, affine=True)
            self.deconv3 = ConvLayer(a, 3, kernel_size=9, stride=1)
            self.relu = torch.nn.ReLU()

        def forward(self, X: Any) -> Any:
            y = self.relu(self.in1(self.conv1(X)))
            y = self.relu(self.in2(self.conv2(y)))
            y = self.relu(self.in3(self.conv3(y)))
            y = self.res1(y)
            y = self.res2(y)
            y = self.res3(y)
            y = self.res4(y)
            y = self.res5(y)
            y = self.relu(self.in4(self.deconv1(y)))
            y = self.relu(self.in5(self.deconv2(y)))
            y = self.deconv3(y)
            return y

    class ConvLayer(torch.nn.Module):
        def __init__(self, in_channels: int, out_channels: int, kernel_size: int,
                     stride: int) -> None:
            super(ConvLayer, self).__init__()
            reflection_padding = kernel_size // 2
            self.reflection_pad = torch.nn.ReflectionPad2d(reflection_padding)
            self.conv2d = torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride)

        def forward(self, x: Any) -> Any:
            out = self.reflection_pad(x)
            out = self.conv2d(out)
            return out

    class ResidualBlock(torch.nn.Module):
        def __init__(self, channels: int) -> None:
            super(ResidualBlock, self).__init__()
            self.conv1 = ConvLayer(channels, channels, kernel_size=3, stride=1)
            self.in1 = torch.nn.InstanceNorm2d(channels, affine=True)
            self.conv2 = ConvLayer(channels, channels, kernel_size=3, stride=1)
            self.in2 = torch.nn.InstanceNorm2d(channels, affine=True)
            self.relu = torch.nn.ReLU()

        def forward(self, x: Any) -> Any:
            residual = x
            out = self.relu(self.in1(self.conv1(x)))
            out = self.in2(self.conv2(out))
            out = out + residual
            return out

    class UpsampleConvLayer(torch.nn.Module):
        def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int,
                     upsample: int | None = None) -> None:
            super(UpsampleConvLayer, self).__init__()
            self.upsample = upsample
            if upsample:
                self.upsample_layer = torch.nn.Upsample(mode='nearest', scale_factor=upsample)
            reflection_padding = kernel_size // 2
            self.reflection_pad = torch.nn.ReflectionPad2d(reflection_padding)
            self.conv2d = torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride)

        def forward(self, x: Any) -> Any:
            x_in = x
            if self.upsample:
                x_in = self.upsample_layer(x_in)
            out = self.reflection_pad(x_in)
            out = self.conv2d(out)
            return out

    def gram_matrix(y: Any) -> Any:
        (b, ch, h, w) = y.size()
        features = y.view(b, ch, w * h)
        features_t = features.transpose(1, 2)
        gram = features.bmm(features_t) / (ch * h * w)
        return gram

    def normalize_batch(batch: Any) -> Any:
        mean = batch.new_tensor([0.485, 0.456, 0.406]).view(-1, 1, 1)
        std = batch.new_tensor([0.229, 0.224, 0.225]).view(-1, 1, 1)
        batch = batch.div_(255.0)
        return (batch - mean) / std

    class Vgg16(torch.nn.Module):  # vgg.py, over a small stand-in for vgg16().features
        def __init__(self, requires_grad: bool = False) -> None:
            super(Vgg16, self).__init__()
            vgg_pretrained_features = _small_vgg_features(torch)
            self.slice1 = torch.nn.Sequential()
            self.slice2 = torch.nn.Sequential()
            self.slice3 = torch.nn.Sequential()
            self.slice4 = torch.nn.Sequential()
            for x in range(4):
                self.slice1.add_module(str(x), vgg_pretrained_features[x])
            for x in range(4, 9):
                self.slice2.add_module(str(x), vgg_pretrained_features[x])
            for x in range(9, 16):
                self.slice3.add_module(str(x), vgg_pretrained_features[x])
            for x in range(16, 23):
                self.slice4.add_module(str(x), vgg_pretrained_features[x])
            if not requires_grad:
                for param in self.parameters():
                    param.requires_grad = False

        def forward(self, X: Any) -> Any:
            h = self.slice1(X)
            h_relu1_2 = h
            h = self.slice2(h)
            h_relu2_2 = h
            h = self.slice3(h)
            h_relu3_3 = h
            h = self.slice4(h)
            h_relu4_3 = h
            vgg_outputs = namedtuple("VggOutputs", ['relu1_2', 'relu2_2', 'relu3_3', 'relu4_3'])
            out = vgg_outputs(h_relu1_2, h_relu2_2, h_relu3_3, h_relu4_3)
            return out

    device = torch.device("cpu")
    transformer = TransformerNet().to(device)
    vgg = Vgg16(requires_grad=False).to(device)
    load_arrays(torch, transformer, None if init is None else init["transformer"])
    load_arrays(torch, vgg, None if init is None else init["vgg"])
    init_state = {"transformer": state_arrays(transformer), "vgg": state_arrays(vgg)}
    optimizer = torch.optim.Adam(transformer.parameters(), 1e-3 * 10)
    mse_loss = torch.nn.MSELoss()
    rng = np.random.default_rng(11)
    style = torch.tensor(rng.random((3, 16, 16)).astype(np.float32)).mul(255)
    style = style.repeat(2, 1, 1, 1).to(device)
    features_style = vgg(normalize_batch(style))
    gram_style = [gram_matrix(y) for y in features_style]
    content_weight, style_weight = 1e2, 1e5
    images = torch.tensor(rng.random((2 * steps, 3, 16, 16)).astype(np.float32)).mul(255)
    train_dataset = torch.utils.data.TensorDataset(images, torch.zeros(2 * steps))
    train_loader = torch.utils.data.DataLoader(train_dataset, batch_size=2)
    losses = []
    transformer.train()
    agg_content_loss = 0.
    agg_style_loss = 0.
    count = 0
    for batch_id, (x, _) in enumerate(train_loader):
        n_batch = len(x)
        count += n_batch
        optimizer.zero_grad()
        x = x.to(device)
        y = transformer(x.to(device))
        y = normalize_batch(y)
        x = normalize_batch(x)
        features_y = vgg(y)
        features_x = vgg(x)
        content_loss = content_weight * mse_loss(features_y.relu2_2, features_x.relu2_2)
        style_loss = 0.
        for ft_y, gm_s in zip(features_y, gram_style):
            gm_y = gram_matrix(ft_y)
            style_loss += mse_loss(gm_y, gm_s[:n_batch, :, :])
        style_loss *= style_weight
        total_loss = content_loss + style_loss
        total_loss.backward()
        optimizer.step()
        agg_content_loss += content_loss.item()
        agg_style_loss += style_loss.item()
        losses.append(total_loss.item())
    mesg = "{}\tEpoch {}:\t[{}/{}]\tcontent: {:.6f}\tstyle: {:.6f}\ttotal: {:.6f}".format(
        "now", 1, count, len(train_dataset), agg_content_loss / (batch_id + 1),
        agg_style_loss / (batch_id + 1), (agg_content_loss + agg_style_loss) / (batch_id + 1))
    # save the model, then stylize from the checkpoint, dropping InstanceNorm's running_* keys
    transformer.eval().cpu()
    buffer = io.BytesIO()
    torch.save(transformer.state_dict(), buffer)
    content_image = images[0].clone().unsqueeze(0).to(device)
    with torch.no_grad():
        style_model = TransformerNet()
        buffer.seek(0)
        state_dict = torch.load(buffer)
        state_dict["in1.running_mean"] = torch.zeros(widths[0])  # as an old checkpoint has
        for k in list(state_dict.keys()):
            if re.search(r'in\d+\.running_(mean|var)$', k):
                del state_dict[k]
        style_model.load_state_dict(state_dict)
        style_model.to(device)
        output = style_model(content_image).cpu()
    img = output[0].clone().clamp(0, 255).numpy()
    img = img.transpose(1, 2, 0).astype("uint8")
    return {"losses": losses, "init": init_state, "out_shape": tuple(output.shape),
            "printed": str(transformer) + str(vgg),
            "gram_shapes": [tuple(g.shape) for g in gram_style], "img": (img.shape, str(img.dtype)),
            "style_loss_type": type(style_loss).__name__, "mesg_fields": len(mesg.split("\t")),
            "vgg_frozen": not any(p.requires_grad for p in vgg.parameters()),
            "features": type(features_x).__name__, "out_requires_grad": output.requires_grad}


def _small_vgg_features(torch: Any) -> Any:
    """torchvision's vgg16().features layout up to relu4_3 (conv/ReLU(inplace=True) blocks
    between max-pools), with 4 or 8 channels in place of 64 to 512."""
    nn = torch.nn
    layers: list[Any] = []
    channels = 3
    for block, (width, convs) in enumerate([(4, 2), (8, 2), (8, 3), (8, 3)]):
        if block:
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1,
                                       ceil_mode=False))
        for _ in range(convs):
            layers += [nn.Conv2d(channels, width, kernel_size=(3, 3), stride=(1, 1),
                                 padding=(1, 1)), nn.ReLU(inplace=True)]
            channels = width
    return nn.Sequential(*layers)


def test_dcgan_trains() -> None:
    out = run_ours(dcgan)
    assert out["fake_shape"] == (4, 3, 64, 64) and out["fake_dtype"] == "float32"
    assert out["fake_in_range"] and out["fake_requires_grad"] == (True, False)
    assert out["label"] == ("float32", (4,), 4.0) and out["D_x_type"] == "float"
    assert out["init_spread"] == {"bn_weight_mean": 1.0, "bn_bias_zero": True,
                                  "conv_std_small": True}
    assert out["running_mean_moved"] and out["record_fields"] == 11
    errD = out["losses"][0::5]
    assert errD[-1] < errD[0]  # D learns to tell the fixed real images from the fakes


def test_dcgan_matches_torch() -> None:
    compare_with_torch(dcgan)


def test_dcgan_legacy_spellings_match_torch() -> None:
    out = run_ours(dcgan, steps=2, legacy=True)
    assert out["label"] == ("float32", (4,), 4.0) and out["record_fields"] == 11
    assert out["init_spread"] == {"bn_weight_mean": 1.0, "bn_bias_zero": True,
                                  "conv_std_small": True}
    compare_with_torch(dcgan, steps=2, legacy=True)


def test_super_resolution_trains() -> None:
    out = run_ours(super_resolution)
    assert decreased(out["losses"][:-1]) and out["orthogonal"]
    assert out["out_shape"] == (2, 1, 18, 18) and out["out_dtype"] == "float32"
    assert out["epoch_loss_type"] == "float"


def test_super_resolution_matches_torch() -> None:
    compare_with_torch(super_resolution)


def test_reinforce_trains() -> None:
    out = run_ours(reinforce)  # sampled actions, dropout on
    assert out["actions_valid"] and out["eps"] == float(np.finfo(np.float32).eps)
    replay = run_ours(reinforce, deterministic=True)  # one episode replayed: its loss falls
    assert replay["losses"][7] < replay["losses"][0]


def test_reinforce_matches_torch() -> None:
    compare_with_torch(reinforce)


def test_actor_critic_trains() -> None:
    out = run_ours(actor_critic)
    assert out["action"] == ((), "int64")
    replay = run_ours(actor_critic, deterministic=True)
    assert decreased(replay["losses"])


def test_actor_critic_matches_torch() -> None:
    compare_with_torch(actor_critic)


def test_siamese_network_trains() -> None:
    with pytest.warns(FutureWarning, match="xavier_uniform"):  # the deprecated name, as torch
        out = run_ours(siamese_network)
    assert decreased([x for i, x in enumerate(out["losses"]) if i % 5 != 4])
    assert out["lrs"] == [0.7, 0.49, 0.343] and out["first_bias"] == float(np.float32(0.01))
    assert out["pred"] == ("int64", (16,))
    assert out["batch"] == ((16, 1, 16, 16), "float32", (16,), "float32")


@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")  # torch's own
def test_siamese_network_matches_torch() -> None:
    compare_with_torch(siamese_network)


def test_fast_neural_style_trains() -> None:
    out = run_ours(fast_neural_style, steps=6)
    assert decreased(out["losses"])
    assert out["out_shape"] == (1, 3, 16, 16)
    assert out["gram_shapes"] == [(2, 4, 4)] + [(2, 8, 8)] * 3
    assert out["img"] == ((16, 16, 3), "uint8") and out["style_loss_type"] == "Tensor"
    assert out["mesg_fields"] == 6 and out["vgg_frozen"] and out["features"] == "VggOutputs"
    assert not out["out_requires_grad"]


def test_fast_neural_style_matches_torch() -> None:
    compare_with_torch(fast_neural_style)
