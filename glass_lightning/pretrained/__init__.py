"""Networks trained here and shipped inside the package, each resolvable by its name wherever a
command takes a checkpoint (``glass-lightning predict --ckpt ka3d-T0.44 ...``).

``registry.py`` names them, with the domain where their predictions hold, and resolves a ``--ckpt``
value; ``export.py`` writes the minimal checkpoint a network ships as (``make pretrained``). Each
network has its model card beside its checkpoint (``NAME.md``).
"""
