"""Generative-model backends: the bundled GGUF via llama.cpp in a supervised worker process, an Ollama server, or
an OpenAI-compatible endpoint.

    from assistant.generation.llm.backends import make_chat_model
    llm = make_chat_model("local", max_tokens=200)  # assembles + verifies the bundled model, starts its worker
    for chunk in llm.stream([("system", "..."), ("human", "...")]):
        print(chunk.content, end="")

`model_files` (the setup step) and `runtime` (the portable llama.cpp build) import no LangChain.
"""
