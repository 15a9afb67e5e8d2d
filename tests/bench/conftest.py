import pytest
import torch


@pytest.fixture(autouse=True)
def float64():
    """Float64 by default, so that the 3j constants of both sides are exact to 1e-16."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)
