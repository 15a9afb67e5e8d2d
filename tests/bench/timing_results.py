"""What a timed case returns (bench/model_timing.py), for the report tests."""


def result(train_s: float, inference_s: float, **more) -> dict:
    return {"train_s": train_s, "inference_s": inference_s, "train_peak_mb": 100.0, "inference_peak_mb": 10.0, **more}
