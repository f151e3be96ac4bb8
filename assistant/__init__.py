"""The assistant: retrieval → answer → generation, under the public functions (`api.py`) and the document library
(`library/`); pyproject.toml's import contracts keep each layer to those below it."""
