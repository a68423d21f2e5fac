import os

import torch
from fastapi import FastAPI
from transformers import AutoModelForCausalLM, AutoTokenizer

MODEL_ID = os.environ.get("MODEL_ID", "meta-llama/Meta-Llama-3-8B-Instruct")
app = FastAPI()
_model = None


def model():
    global _model
    if _model is None:
        _model = AutoModelForCausalLM.from_pretrained(MODEL_ID, torch_dtype=torch.float16)
    return _model


@app.post("/generate")
def generate(prompt: str):
    tok = AutoTokenizer.from_pretrained(MODEL_ID)
    return {"text": tok.decode(model().generate(**tok(prompt, return_tensors="pt"))[0])}
