import numpy as np
import pytest
import torch
from scipy.stats import pearsonr

from glass_lightning.data.snapshot import type_name
from glass_lightning.training.metrics import (
    PerConfigurationPearson,
    PooledPearsonByType,
    pearson_by_group,
    pearson_per_temperature,
    per_configuration_pearson,
)


def correlated_inputs(num_particles: int, num_timescales: int, seed: int):
    generator = torch.Generator().manual_seed(seed)
    target = torch.randn(num_particles, num_timescales, generator=generator)
    prediction = 0.6 * target + torch.randn(num_particles, num_timescales, generator=generator)
    return prediction, target


def test_type_names_read_as_letters():
    assert [type_name(label) for label in range(3)] == ["A", "B", "C"]


def test_pooled_pearson_matches_scipy_over_batches_with_an_absent_type():
    prediction, target = correlated_inputs(60, 3, seed=0)
    node_type = torch.zeros(60, dtype=torch.long)
    node_type[40:] = 1  # type B only in the last batch; type C never appears
    metric = PooledPearsonByType(num_types=3, num_timescales=3)
    for chunk in torch.split(torch.arange(60), 20):
        metric.update(prediction[chunk], target[chunk], node_type[chunk])
    result = metric.compute()
    for label in (0, 1):
        chosen = (node_type == label).numpy()
        expected = [pearsonr(prediction[chosen, k].numpy(), target[chosen, k].numpy()).statistic for k in range(3)]
        np.testing.assert_allclose(result[label].numpy(), expected, atol=1e-5)
    assert result[2] is None


def test_pooled_pearson_with_one_timescale_keeps_a_vector():
    prediction, target = correlated_inputs(30, 1, seed=1)
    metric = PooledPearsonByType(num_types=1, num_timescales=1)
    metric.update(prediction, target, torch.zeros(30, dtype=torch.long))
    expected = pearsonr(prediction[:, 0].numpy(), target[:, 0].numpy()).statistic
    assert metric.compute()[0].shape == (1,)
    assert metric.compute()[0].item() == pytest.approx(expected, abs=1e-5)


def test_per_configuration_pearson_matches_scipy_per_snapshot_and_type():
    prediction, target = correlated_inputs(50, 2, seed=2)
    batch = torch.tensor([0] * 30 + [1] * 20)
    node_type = torch.tensor(([0, 1] * 25))
    node_type[30:] = 0  # the second configuration has no type B
    correlation, valid = per_configuration_pearson(prediction, target, node_type, batch, num_graphs=2, num_types=2)
    for graph in range(2):
        for label in range(2):
            chosen = ((batch == graph) & (node_type == label)).numpy()
            if chosen.sum() < 2:
                assert not valid[graph, label].any()
                continue
            expected = [pearsonr(prediction[chosen, k].numpy(), target[chosen, k].numpy()).statistic for k in range(2)]
            np.testing.assert_allclose(correlation[graph, label].numpy(), expected, atol=1e-10)
            assert valid[graph, label].all()


def test_per_configuration_metric_averages_configurations_not_particles():
    prediction, target = correlated_inputs(45, 2, seed=3)
    batch = torch.tensor([0] * 10 + [1] * 35)  # unequal sizes: the mean differs from pooling
    node_type = torch.zeros(45, dtype=torch.long)
    metric = PerConfigurationPearson(num_types=2, num_timescales=2)
    metric.update(prediction[:10], target[:10], node_type[:10], batch[:10], num_graphs=1)
    metric.update(prediction[10:], target[10:], node_type[10:], batch[10:] - 1, num_graphs=1)
    result = metric.compute()
    for k in range(2):
        per_snapshot = [
            pearsonr(prediction[batch == g, k].numpy(), target[batch == g, k].numpy()).statistic for g in range(2)
        ]
        assert result[0][k].item() == pytest.approx(np.mean(per_snapshot), abs=1e-6)
    assert result[1] is None


def test_constant_prediction_is_not_counted_as_a_configuration():
    target = torch.randn(8, 1)
    correlation, valid = per_configuration_pearson(
        torch.ones(8, 1), target, torch.zeros(8, dtype=torch.long), torch.zeros(8, dtype=torch.long), 1, 1
    )
    assert not valid.any() and torch.isfinite(correlation).all()


def test_pearson_by_group_pools_and_averages_within_each_group():
    rng = np.random.default_rng(4)
    graph = torch.repeat_interleave(torch.arange(4), 30)
    group_of_graph = torch.tensor([0, 0, 1, 1])
    node_type = torch.zeros(120, dtype=torch.long)
    target = torch.as_tensor(rng.normal(size=(120, 1)))
    prediction = target + torch.as_tensor(rng.normal(size=(120, 1)))
    pooled, per_configuration = pearson_by_group(
        prediction, target, node_type, graph, group_of_graph, num_groups=2, num_types=2
    )
    for group, graphs in ((0, (0, 1)), (1, (2, 3))):
        chosen = torch.isin(graph, torch.tensor(graphs)).numpy()
        assert pooled[group, 0, 0] == pytest.approx(pearsonr(prediction[chosen, 0], target[chosen, 0])[0])
        each = [pearsonr(prediction[graph == g, 0], target[graph == g, 0])[0] for g in graphs]
        assert per_configuration[group, 0, 0] == pytest.approx(np.mean(each))
    assert torch.isnan(pooled[:, 1]).all() and torch.isnan(per_configuration[:, 1]).all()  # no type-B particle


def test_pearson_per_temperature_groups_equal_temperatures_and_matches_scipy():
    rng = np.random.default_rng(3)
    sizes, temperatures = [30, 30, 30], torch.tensor([0.5, 0.7, 0.5000001])  # the last is 0.5 in float32 terms
    graph = torch.cat([torch.full((size,), index) for index, size in enumerate(sizes)])
    target = torch.as_tensor(rng.normal(size=(sum(sizes), 2)))
    prediction = target + torch.as_tensor(rng.normal(size=target.shape))
    node_type = torch.zeros(sum(sizes), dtype=torch.int64)
    scores = pearson_per_temperature(prediction, target, node_type, graph, temperatures, num_types=1)
    assert list(scores) == [0.5, 0.7]
    for temperature, graphs in ((0.5, [0, 2]), (0.7, [1])):
        chosen = np.isin(graph.numpy(), graphs)
        pooled, per_configuration = scores[temperature]
        for time in (0, 1):
            assert pooled[0, time] == pytest.approx(pearsonr(prediction[chosen, time], target[chosen, time])[0])
            each = [pearsonr(prediction[graph == g, time], target[graph == g, time])[0] for g in graphs]
            assert per_configuration[0, time] == pytest.approx(np.mean(each))
