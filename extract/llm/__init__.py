"""LLM backend: candidate-anchored prompts to any OpenAI-compatible server, validated and grounded."""
